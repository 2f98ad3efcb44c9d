-- A minimal Neovim configuration (Neovim 0.7 or later) that uses `wirelint server` for
-- Python buffers, and a scripted session run by tests/test_lsp_neovim.py:
--
--   1. open the Python file given on the command line, wait for wirelint's diagnostics;
--   2. ask for code actions on the first one and apply the quick fix whose title starts
--      with its code, as Neovim applies any workspace edit;
--   3. wait for the diagnostics to be published again;
--   4. stop the client (shutdown and exit), and write everything to a JSON file.
--
-- Environment: LSP_TEST_SERVER (the `wirelint` executable), LSP_TEST_ROOT (the workspace
-- root), LSP_TEST_OUTPUT (where the JSON goes). Neovim exits 0 when the script ran through,
-- 1 (with an "error" in the JSON) otherwise.

local server = assert(os.getenv("LSP_TEST_SERVER"), "LSP_TEST_SERVER is not set")
local root = assert(os.getenv("LSP_TEST_ROOT"), "LSP_TEST_ROOT is not set")
local output = assert(os.getenv("LSP_TEST_OUTPUT"), "LSP_TEST_OUTPUT is not set")
local timeout_ms = 60000

local report = { exit_code = vim.NIL }
local client_id = nil

local function finish(error_message)
  if error_message then
    report.error = error_message
  end
  vim.fn.writefile({ vim.fn.json_encode(report) }, output)
  vim.cmd(error_message and "cquit 1" or "qall!")
end

-- What Neovim made of the server's diagnostics: its own 0-based line and byte column.
local function diagnostics_of(bufnr)
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
    table.insert(found, {
      code = lsp.code,
      source = diagnostic.source,
      severity = diagnostic.severity,
      lnum = diagnostic.lnum,
      col = diagnostic.col,
      end_lnum = diagnostic.end_lnum,
      end_col = diagnostic.end_col,
      message = diagnostic.message,
      lsp = lsp,
    })
  end
  return found
end

-- The usual way to start a server: for each Python buffer.
vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    if client_id == nil then
      client_id = vim.lsp.start_client({
        name = "wirelint",
        cmd = { server, "server" },
        root_dir = root,
        on_exit = function(code)
          report.exit_code = code
        end,
      })
    end
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})

local function scenario()
  local bufnr = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[bufnr].filetype
  if client_id == nil then
    return finish("no client was started for this buffer")
  end
  if not vim.wait(timeout_ms, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 20) then
    return finish("no diagnostics arrived")
  end
  report.initial = diagnostics_of(bufnr)

  local client = vim.lsp.get_client_by_id(client_id)
  report.offset_encoding = client.offset_encoding
  -- As `vim.lsp.buf.code_action()` asks: at the cursor, with the line's diagnostics.
  local first = report.initial[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum) }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, timeout_ms)
  local response = responses and responses[client_id]
  -- The error is `err` in newer Neovims, `error` in 0.7.
  if not response or response.err or response.error then
    return finish("codeAction failed: " .. vim.inspect(response))
  end
  report.actions = {}
  local fix = nil
  for _, action in ipairs(response.result or {}) do
    table.insert(report.actions, action.title)
    if fix == nil and vim.startswith(action.title, first.code .. ":") then
      fix = action
    end
  end
  if fix == nil then
    return finish("no quick fix for " .. tostring(first.code))
  end
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  report.fixed_text = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local remaining = #report.initial - 1
  if not vim.wait(timeout_ms, function()
    return #vim.diagnostic.get(bufnr) == remaining
  end, 20) then
    return finish("the diagnostics were not published again after the fix")
  end
  report.after_fix = diagnostics_of(bufnr)

  vim.lsp.stop_client(client_id)
  if not vim.wait(timeout_ms, function()
    return report.exit_code ~= vim.NIL
  end, 20) then
    return finish("the server did not exit")
  end
  finish(nil)
end

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local ok, problem = pcall(scenario)
    if not ok then
      finish("the script failed: " .. tostring(problem))
    end
  end,
})
