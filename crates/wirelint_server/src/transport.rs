//! The wire: LSP base-protocol frames (`Content-Length` headers, then a
//! JSON-RPC body) read from standard input on one thread and written to
//! standard output on another.
//!
//! `lsp-server`'s own stdio transport stops reading at the first malformed
//! message; this one never does. Input that is not a message (a bad
//! header, a body that is not JSON, JSON that is not a request, response or
//! notification) becomes [`Incoming::Malformed`], so the server can answer
//! it with a JSON-RPC error and read on. Messages of more than
//! [`MAX_MESSAGE_BYTES`] are skipped unread.

use std::io::{self, BufRead, Read, Write};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{ErrorCode, Message};
use serde_json::Value;

/// The largest message body accepted: larger ones are skipped (and
/// reported), so a bad `Content-Length` cannot make the server allocate
/// without bound.
pub(crate) const MAX_MESSAGE_BYTES: usize = 1 << 30;

/// The longest header line read as one; a longer one is malformed.
const MAX_HEADER_LINE_BYTES: u64 = 8 * 1024;

/// What the reader got from the client.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    Malformed(Malformed),
}

/// Input that is not a message, and how to answer it.
#[derive(Clone, Debug)]
pub(crate) struct Malformed {
    pub code: ErrorCode,
    pub message: String,
    /// The request id to answer, `null` when there is none to be found.
    pub id: Value,
    /// Whether to answer at all: a malformed *response* gets no answer.
    pub reply: bool,
}

impl Malformed {
    fn parse_error(message: String) -> Self {
        Malformed {
            code: ErrorCode::ParseError,
            message,
            id: Value::Null,
            reply: true,
        }
    }

    /// The JSON-RPC error response to send, when one is due.
    pub(crate) fn response(&self) -> Option<String> {
        self.reply.then(|| {
            serde_json::json!({
                "jsonrpc": "2.0",
                "id": self.id,
                "error": {"code": self.code as i32, "message": self.message},
            })
            .to_string()
        })
    }
}

/// What the server sends.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Message(Message),
    /// A message already serialized: one `lsp-server` cannot express (an
    /// error response whose id is `null`), or one built from diagnostics
    /// serialized once on a linting thread.
    Text(String),
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Self {
        Outgoing::Message(message)
    }
}

/// The reading and writing threads of the stdio transport.
pub(crate) struct IoThreads {
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits until everything sent has been written (every sender of the
    /// outgoing channel must be dropped first). The reader is left alone:
    /// it may be waiting for input that never comes.
    pub(crate) fn finish(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// Starts the transport over standard input and output.
pub(crate) fn stdio() -> (Receiver<Incoming>, Sender<Outgoing>, IoThreads) {
    let (incoming_sender, incoming) = unbounded();
    let (outgoing, outgoing_receiver) = unbounded();
    thread::Builder::new()
        .name("wirelint-lsp-reader".to_string())
        .spawn(move || read_messages(io::stdin().lock(), &incoming_sender))
        .expect("cannot start the thread reading standard input");
    let writer = thread::Builder::new()
        .name("wirelint-lsp-writer".to_string())
        .spawn(move || write_messages(io::stdout().lock(), &outgoing_receiver))
        .expect("cannot start the thread writing standard output");
    (incoming, outgoing, IoThreads { writer })
}

/// Reads messages until the input ends, the `exit` notification arrives,
/// or nobody listens any more.
pub(crate) fn read_messages(
    mut reader: impl BufRead,
    incoming: &Sender<Incoming>,
) -> io::Result<()> {
    loop {
        let Some(Frame { garbage, body }) = read_frame(&mut reader)? else {
            return Ok(());
        };
        let garbage = garbage.map(|message| Incoming::Malformed(Malformed::parse_error(message)));
        for item in garbage
            .into_iter()
            .chain(body.map(|body| parse_body(&body)))
        {
            let is_exit =
                matches!(&item, Incoming::Message(Message::Notification(n)) if n.method == "exit");
            if incoming.send(item).is_err() || is_exit {
                return Ok(());
            }
        }
    }
}

/// Writes each message as a frame, flushing after each.
pub(crate) fn write_messages(
    mut writer: impl Write,
    outgoing: &Receiver<Outgoing>,
) -> io::Result<()> {
    for item in outgoing {
        match item {
            Outgoing::Message(message) => message.write(&mut writer)?,
            Outgoing::Text(body) => {
                write!(writer, "Content-Length: {}\r\n\r\n{body}", body.len())?;
                writer.flush()?;
            }
        }
    }
    Ok(())
}

/// One frame read: a body, what was wrong before it, or both.
struct Frame {
    garbage: Option<String>,
    body: Option<Vec<u8>>,
}

/// Reads one frame: header lines up to an empty line, then the body;
/// `None` at the end of the input. Header lines may end in `\r\n` or
/// `\n`; a line that is not `Name: value` is garbage (reported, while a
/// good `Content-Length` among the headers still brings in the body), and
/// a missing or bad `Content-Length` makes the frame garbage alone. Blank
/// lines between frames are skipped.
fn read_frame(reader: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut content_length: Option<usize> = None;
    let mut garbage: Option<String> = None;
    let mut header_lines = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .by_ref()
            .take(MAX_HEADER_LINE_BYTES)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(None);
        }
        let complete = line.ends_with(b"\n");
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() && complete {
            if header_lines == 0 {
                continue;
            }
            break;
        }
        header_lines += 1;
        if !complete {
            garbage.get_or_insert_with(|| "a header line is too long".to_string());
            continue;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(length) => content_length = Some(length),
                    Err(_) => {
                        garbage.get_or_insert_with(|| {
                            format!("invalid Content-Length {:?}", value.trim())
                        });
                    }
                }
            }
            Some(_) => {}
            None => {
                garbage.get_or_insert_with(|| format!("malformed header line {text:?}"));
            }
        }
    }
    let Some(length) = content_length else {
        let garbage =
            garbage.unwrap_or_else(|| "a message has no Content-Length header".to_string());
        return Ok(Some(Frame {
            garbage: Some(garbage),
            body: None,
        }));
    };
    if length > MAX_MESSAGE_BYTES {
        io::copy(&mut reader.by_ref().take(length as u64), &mut io::sink())?;
        let garbage = format!(
            "a message of {length} bytes is larger than the limit of {MAX_MESSAGE_BYTES} bytes"
        );
        return Ok(Some(Frame {
            garbage: Some(garbage),
            body: None,
        }));
    }
    // Grown as the bytes arrive: a Content-Length alone reserves nothing.
    let mut body = Vec::with_capacity(length.min(1 << 20));
    reader.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(None);
    }
    Ok(Some(Frame {
        garbage,
        body: Some(body),
    }))
}

/// A message, or what is wrong with the body.
fn parse_body(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return Incoming::Malformed(Malformed::parse_error(format!(
                "the message is not valid JSON: {error}"
            )));
        }
    };
    let Value::Object(object) = &value else {
        return Incoming::Malformed(Malformed {
            code: ErrorCode::InvalidRequest,
            message: "a message must be a JSON object (batches are not supported)".to_string(),
            id: Value::Null,
            reply: true,
        });
    };
    let id = match object.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    let is_response = !object.contains_key("method")
        && (object.contains_key("result") || object.contains_key("error"));
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => Incoming::Malformed(Malformed {
            code: ErrorCode::InvalidRequest,
            message: format!("the message is not a valid request or notification: {error}"),
            id,
            reply: !is_response,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &[u8]) -> Vec<Incoming> {
        let (sender, receiver) = unbounded();
        read_messages(Cursor::new(input.to_vec()), &sender).unwrap();
        drop(sender);
        receiver.into_iter().collect()
    }

    fn summary(items: &[Incoming]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Incoming::Message(Message::Request(request)) => {
                    format!("request {} {}", request.id, request.method)
                }
                Incoming::Message(Message::Notification(notification)) => {
                    format!("notification {}", notification.method)
                }
                Incoming::Message(Message::Response(response)) => {
                    format!("response {}", response.id)
                }
                Incoming::Malformed(malformed) => format!(
                    "malformed {} {} {}",
                    malformed.code as i32, malformed.id, malformed.reply
                ),
            })
            .collect()
    }

    #[test]
    fn reads_requests_notifications_and_responses() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            // `\n` line endings and other headers are accepted too.
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\ncontent-length: 40\n\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":"a","result":null}"#),
        ]
        .concat();
        assert_eq!(
            summary(&read_all(input.as_bytes())),
            [
                "request 1 initialize",
                "notification initialized",
                "response \"a\""
            ]
        );
    }

    #[test]
    fn garbage_is_reported_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            frame("[1, 2]"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
            frame(r#"{"jsonrpc":"2.0","id":8,"result":1,"error":{}}"#),
            "this is not a header\r\n\r\n".to_string(),
            "Content-Length: lots\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
            format!(
                "junk\r\n{}",
                frame(r#"{"jsonrpc":"2.0","id":3,"method":"x"}"#)
            ),
            frame("\u{1F600} \u{0}"),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"never read"}"#),
        ]
        .concat();
        assert_eq!(
            summary(&read_all(input.as_bytes())),
            [
                "malformed -32700 null true",
                "malformed -32600 null true",
                "malformed -32600 7 true",
                "malformed -32600 8 false",
                "malformed -32700 null true",
                "malformed -32700 null true",
                "request 2 shutdown",
                "malformed -32700 null true",
                "request 3 x",
                "malformed -32700 null true",
                "notification exit",
            ]
        );
    }

    #[test]
    fn invalid_utf8_and_truncated_input_end_cleanly() {
        let mut input = b"Content-Length: 3\r\n\r\n\xff\xfe\xfd".to_vec();
        input.extend_from_slice(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
        assert_eq!(summary(&read_all(&input)), ["malformed -32700 null true"]);
        assert!(read_all(b"").is_empty());
        assert!(read_all(b"\r\n\r\n").is_empty());
    }

    #[test]
    fn oversized_messages_and_header_lines_are_skipped() {
        let mut input = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1).into_bytes();
        input.extend(std::iter::repeat_n(b' ', 100));
        let items = read_all(&input);
        let Incoming::Malformed(malformed) = &items[0] else {
            panic!("{items:?}");
        };
        assert!(malformed.message.contains("larger than the limit"));

        let mut input = vec![b'x'; 20_000];
        input.extend_from_slice(b"\r\n\r\n");
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes());
        assert_eq!(
            summary(&read_all(&input)),
            ["malformed -32700 null true", "notification exit"]
        );
    }

    #[test]
    fn responses_are_framed_and_null_ids_are_written_raw() {
        let (sender, receiver) = unbounded();
        sender
            .send(Outgoing::Message(Message::Response(
                lsp_server::Response::new_ok(1.into(), ()),
            )))
            .unwrap();
        let malformed = Malformed::parse_error("bad".to_string());
        sender
            .send(Outgoing::Text(malformed.response().unwrap()))
            .unwrap();
        drop(sender);
        let mut output = Vec::new();
        write_messages(&mut output, &receiver).unwrap();
        let output = String::from_utf8(output).unwrap();
        let bodies: Vec<Value> = output
            .split("Content-Length: ")
            .skip(1)
            .map(|frame| serde_json::from_str(frame.split_once("\r\n\r\n").unwrap().1).unwrap())
            .collect();
        assert_eq!(bodies[0]["id"], 1);
        assert_eq!(bodies[0]["jsonrpc"], "2.0");
        assert_eq!(bodies[1]["id"], Value::Null);
        assert_eq!(bodies[1]["error"]["code"], -32700);
    }
}
