;;; init.el --- Emacs 28 and eglot 1.9 run `wirelint server' for a Python buffer, headless -*- lexical-binding: t -*-

;; A scripted Emacs session run by tests/test_lsp_emacs.py as
;;
;;   emacs --fg-daemon=SOCKET -Q -l init.el FILE.py
;;
;; with the setup docs/editors.md gives Emacs users, and Debian's `emacs-nox' and
;; `elpa-eglot'.  A daemon, not `--batch': batch Emacs has no command loop, so it is never
;; idle and never runs idle timers, and eglot sends a buffer's edits to the server
;; (didChange) from one, as flymake checks an edited buffer again from another.  A daemon
;; runs the command loop without a terminal: each step below waits on a short timer, and the
;; idle timers run in between as they do for someone typing.
;;
;;   1. activate Debian's ELPA packages (what Emacs does at startup without -Q), load the
;;      documented setup, and `M-x eglot' in the Python buffer;
;;   2. wait for the diagnostics flymake shows, with the project's settings (errors);
;;   3. go to the first one (`flymake-goto-next-error'), `M-x eglot-code-actions', and pick
;;      the quick fix whose title starts with its code from the menu eglot offers;
;;   4. wait for the diagnostics of the fixed text;
;;   5. `eglot-shutdown' (shutdown and exit), write everything to a JSON file, exit.
;;
;; Environment: LSP_TEST_SERVER (the `wirelint' executable), LSP_TEST_ELPA (the directory of
;; Debian's ELPA packages), LSP_TEST_SETUP (an Emacs Lisp file with the documented setup),
;; LSP_TEST_OUTPUT (where the JSON goes).  Emacs exits 0 when the script ran through, 1 (with
;; an "error" in the JSON) otherwise, whatever went wrong, within `wirelint-test-deadline'.

(require 'cl-lib)
(require 'json)
(require 'package)

(defun wirelint-test-environment (name)
  "The value of the environment variable NAME, which must be set."
  (or (getenv name) (error "%s is not set" name)))

(defconst wirelint-test-server (wirelint-test-environment "LSP_TEST_SERVER"))
(defconst wirelint-test-elpa (wirelint-test-environment "LSP_TEST_ELPA"))
(defconst wirelint-test-setup (wirelint-test-environment "LSP_TEST_SETUP"))
(defconst wirelint-test-output (wirelint-test-environment "LSP_TEST_OUTPUT"))

(defconst wirelint-test-wait-seconds 60
  "How long each step waits for the server.")
(defconst wirelint-test-deadline 150
  "Seconds after which the whole session gives up, whatever it is waiting for.")
(defconst wirelint-test-poll-seconds 0.05
  "How often a waiting step looks again.")

(defvar wirelint-test-report nil
  "What the session saw, an alist written as a JSON object.")
(defvar wirelint-test-step "start"
  "The step running or waited for, named in an error.")
(defvar wirelint-test-finished nil
  "Whether the session has ended (the report is written once).")
(defvar wirelint-test-buffer nil
  "The Python buffer.")
(defvar wirelint-test-connection nil
  "Eglot's connection to `wirelint server'.")
(defvar wirelint-test-process nil
  "The process of `wirelint server'.")

(defconst wirelint-test-settled-type 'eglot-error
  "The type of the diagnostics once the server has the project's settings.
The documented .dir-locals.el makes every finding an error; until the server
has its answer to `workspace/configuration', it may publish them with the
severity of the initialization options (warnings).")

(defun wirelint-test-record (key value)
  "Records VALUE under KEY in the report."
  (setf (alist-get key wirelint-test-report) value))

(defun wirelint-test-buffer-text (buffer)
  "The text of BUFFER (its last 20000 characters), if it is live."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (buffer-substring-no-properties (max (point-min) (- (point-max) 20000)) (point-max)))))

(defun wirelint-test-record-failure (error-message)
  "Records ERROR-MESSAGE, and what helps to understand it.
That is Emacs's messages, the diagnostics shown, and eglot's log of the
messages exchanged with the server."
  (wirelint-test-record 'error (format "%s: %s" wirelint-test-step error-message))
  (wirelint-test-record 'messages (wirelint-test-buffer-text (messages-buffer)))
  (when (buffer-live-p wirelint-test-buffer)
    (with-current-buffer wirelint-test-buffer
      (when (bound-and-true-p flymake-mode)
        (wirelint-test-record 'shown (wirelint-test-diagnostics)))))
  (let ((connection (or wirelint-test-connection
                        (and (buffer-live-p wirelint-test-buffer)
                             (with-current-buffer wirelint-test-buffer
                               (eglot-current-server))))))
    (when connection
      (wirelint-test-record
       'events (wirelint-test-buffer-text (jsonrpc-events-buffer connection))))))

(defun wirelint-test-finish (&optional error-message)
  "Writes the report (with ERROR-MESSAGE, if any) and exits.
The exit code is 0 without an error, else 1."
  (unless wirelint-test-finished
    (setq wirelint-test-finished t)
    (unwind-protect
        (progn
          (when error-message
            (ignore-errors (wirelint-test-record-failure error-message)))
          (let ((coding-system-for-write 'utf-8-unix))
            (write-region (json-encode wirelint-test-report) nil wirelint-test-output nil
                          'quiet)))
      (kill-emacs (if error-message 1 0)))))

(defmacro wirelint-test-step (name &rest body)
  "Runs BODY as the step NAME; an error in it ends the session."
  (declare (indent 1))
  `(progn
     (setq wirelint-test-step ,name)
     (condition-case problem
         (progn ,@body)
       (error (wirelint-test-finish (error-message-string problem))))))

(defun wirelint-test-wait (what predicate then)
  "Waits (polling) until PREDICATE returns non-nil, then calls THEN.
Gives up with an error naming WHAT after `wirelint-test-wait-seconds'.
Between two looks Emacs is back in its command loop: the server's messages
are read, and timers and idle timers run."
  (let ((deadline (+ (float-time) wirelint-test-wait-seconds)))
    (cl-labels ((look ()
                  (wirelint-test-step what
                    (cond ((funcall predicate) (funcall then))
                          ((> (float-time) deadline)
                           (error "gave up waiting after %s seconds"
                                  wirelint-test-wait-seconds))
                          (t (run-with-timer wirelint-test-poll-seconds nil #'look))))))
      (run-with-timer 0 nil #'look))))

(defun wirelint-test-boolean (value)
  "VALUE as a JSON boolean."
  (if value t :json-false))

(defun wirelint-test-position (position)
  "POSITION as Emacs counts it: its line (from 1) and column (characters, from 0)."
  (save-excursion
    (goto-char position)
    `((line . ,(line-number-at-pos position t))
      (column . ,(- position (line-beginning-position))))))

(defun wirelint-test-diagnostics ()
  "The diagnostics flymake shows in the current buffer, in buffer order."
  (vconcat
   (mapcar
    (lambda (diagnostic)
      (let ((beg (flymake-diagnostic-beg diagnostic))
            (end (flymake-diagnostic-end diagnostic))
            (lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diagnostic))))
        `((code . ,(plist-get lsp :code))
          (type . ,(symbol-name (flymake-diagnostic-type diagnostic)))
          (text . ,(flymake-diagnostic-text diagnostic))
          (start . ,(wirelint-test-position beg))
          (end . ,(wirelint-test-position end))
          (covers . ,(buffer-substring-no-properties beg end))
          (lsp . ,lsp))))
    (sort (flymake-diagnostics)
          (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))))

(defun wirelint-test-pick-from-menu (prompt collection &optional _predicate _require-match
                                            _initial _history default &rest _)
  "Answers eglot's code action menu as a user would.
A `completing-read-function': records PROMPT, DEFAULT and the actions of
COLLECTION, and picks the quick fix whose title starts with the code of the
first diagnostic."
  (let* ((code (alist-get 'code (aref (alist-get 'initial wirelint-test-report) 0)))
         (chosen (cl-find-if (lambda (item) (string-prefix-p (concat code ":") (car item)))
                             collection)))
    (wirelint-test-record
     'menu `((prompt . ,prompt)
             (default . ,default)
             (actions . ,(vconcat
                          (mapcar (lambda (item)
                                    `((title . ,(car item))
                                      (kind . ,(plist-get (cdr item) :kind))
                                      (preferred . ,(plist-get (cdr item) :isPreferred))))
                                  collection)))))
    (unless chosen
      (error "no quick fix for %s in the menu" code))
    (car chosen)))

;; What Emacs does at startup without -Q: activate the installed packages, here Debian's.
(wirelint-test-step "loading the setup"
  (setq package-directory-list (list wirelint-test-elpa))
  (package-activate-all)
  (wirelint-test-record 'emacs_version emacs-version)
  (wirelint-test-record
   'eglot_version
   (let ((eglot (cadr (assq 'eglot package-alist))))
     (and eglot (package-version-join (package-desc-version eglot)))))
  ;; Emacs would auto-save the edited buffer when it exits: nothing is written next to it.
  (setq auto-save-default nil)
  ;; `wirelint' must be on the PATH Emacs sees: the test's executable comes first.
  (push (file-name-directory wirelint-test-server) exec-path)
  (load wirelint-test-setup nil 'nomessage)
  (wirelint-test-record 'eglot_loaded_by_setup (wirelint-test-boolean (featurep 'eglot))))

(defun wirelint-test-settled-p ()
  "Whether flymake shows diagnostics, all of the settled type, in the buffer."
  (with-current-buffer wirelint-test-buffer
    (let ((shown (flymake-diagnostics)))
      (and shown
           (cl-every (lambda (diagnostic)
                       (eq (flymake-diagnostic-type diagnostic) wirelint-test-settled-type))
                     shown)))))

(defun wirelint-test-connect ()
  "`M-x eglot' in the visited Python buffer."
  (wirelint-test-step "connecting"
    ;; The file given on the command line, shown in the selected window (flymake checks a
    ;; buffer once it is shown).
    (setq wirelint-test-buffer (cl-find-if #'buffer-file-name (buffer-list)))
    (switch-to-buffer wirelint-test-buffer)
    (wirelint-test-record 'buffer (buffer-name))
    (wirelint-test-record 'major_mode (symbol-name major-mode))
    (wirelint-test-record 'executable (executable-find "wirelint"))
    ;; `eglot' may return before the handshake is over (it waits for the server's first
    ;; output only, which can be part of the `initialize' answer): the connection is looked
    ;; up once diagnostics show, when it is certainly managing the buffer.
    (call-interactively #'eglot)
    (wirelint-test-record 'eglot_file (locate-library "eglot"))
    (wirelint-test-wait
     "waiting for the diagnostics"
     #'wirelint-test-settled-p
     (lambda () (with-current-buffer wirelint-test-buffer (wirelint-test-fix))))))

(defun wirelint-test-fix ()
  "Records the session and its diagnostics, then applies the first quick fix."
  (setq wirelint-test-step "applying the quick fix")
  (setq wirelint-test-connection (or (eglot-current-server)
                                     (error "no eglot connection manages the buffer")))
  (setq wirelint-test-process
        (cl-find-if (lambda (process) (equal (process-command process) '("wirelint" "server")))
                    (process-list)))
  (let* ((server wirelint-test-connection)
         (capabilities (slot-value server 'capabilities))
         (offered (plist-get (plist-get (eglot-client-capabilities server) :general)
                             :positionEncodings)))
    (wirelint-test-record 'workspace_folders (eglot-workspace-folders server))
    (wirelint-test-record 'initialization_options (eglot-initialization-options server))
    (wirelint-test-record 'client_position_encodings offered)
    (wirelint-test-record 'server_position_encoding (plist-get capabilities :positionEncoding))
    (wirelint-test-record 'server_info (slot-value server 'server-info))
    (wirelint-test-record 'initial (wirelint-test-diagnostics)))
  (goto-char (point-min))
  (flymake-goto-next-error)
  (wirelint-test-record 'point (wirelint-test-position (point)))
  ;; A key typed the command (not a mouse click), so eglot asks in the minibuffer.
  (let ((last-nonmenu-event ?\r)
        (completing-read-function #'wirelint-test-pick-from-menu))
    (call-interactively #'eglot-code-actions))
  (wirelint-test-record 'fixed_text (buffer-substring-no-properties (point-min) (point-max)))
  (let ((remaining (1- (length (alist-get 'initial wirelint-test-report))))
        (fixed-code (alist-get 'code (aref (alist-get 'initial wirelint-test-report) 0))))
    (wirelint-test-wait
     "waiting for the diagnostics of the fixed text"
     (lambda ()
       (and (wirelint-test-settled-p)
            (with-current-buffer wirelint-test-buffer
              (let ((shown (wirelint-test-diagnostics)))
                (and (= (length shown) remaining)
                     (not (cl-find fixed-code shown
                                   :key (lambda (d) (alist-get 'code d)) :test #'equal)))))))
     (lambda () (with-current-buffer wirelint-test-buffer (wirelint-test-shut-down))))))

(defun wirelint-test-shut-down ()
  "Records the diagnostics after the fix, shuts the server down, ends the session."
  (setq wirelint-test-step "shutting the server down")
  (wirelint-test-record 'after_fix (wirelint-test-diagnostics))
  (wirelint-test-record 'modified (wirelint-test-boolean (buffer-modified-p)))
  ;; `shutdown' (signals an error unless the server answers it in time), then `exit'; then
  ;; jsonrpc 1.0.14 kills the process unless its sentinel has already run, which it has not
  ;; had the time to: the server is usually killed before it reads `exit'.
  (eglot-shutdown wirelint-test-connection)
  (wirelint-test-record 'shutdown_answered t)
  (wirelint-test-record 'server_status (symbol-name (process-status wirelint-test-process)))
  (wirelint-test-record 'server_exit_code (process-exit-status wirelint-test-process))
  (wirelint-test-finish))

(run-with-timer wirelint-test-deadline nil
                (lambda () (wirelint-test-finish
                            (format "the session took longer than %s seconds"
                                    wirelint-test-deadline))))
(run-with-timer 0 nil #'wirelint-test-connect)

;;; init.el ends here
