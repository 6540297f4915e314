//! An incremental parser for server-sent events, for the status stream
//! (read with `fetch`, since `EventSource` cannot send the key). Only `data`
//! fields matter here; comments (`: ping`) and other fields are skipped.
//!
//! It takes bytes as they come: a line is decoded only once it is whole, so
//! a chunk boundary inside a multi-byte character changes nothing, and
//! invalid UTF-8 becomes U+FFFD instead of stopping the stream. A line or
//! an event past `MAX_EVENT_BYTES` is refused (PROTOCOL.md, "Limits").

/// The longest line, and the largest event, the parser keeps.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// A line or an event over `MAX_EVENT_BYTES`: the stream is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong;

#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    data: Vec<String>,
    data_bytes: usize,
    /// The last chunk ended with `\r`: a following `\n` belongs to it.
    after_cr: bool,
}

impl SseParser {
    /// Feeds a chunk of bytes; returns the `data` of every event it
    /// completed, or `TooLong`.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<String>, TooLong> {
        let mut events = Vec::new();
        let mut rest = chunk;
        while !rest.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            match rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
                Some(i) => {
                    self.push(&rest[..i])?;
                    self.after_cr = rest[i] == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.end_line(&String::from_utf8_lossy(&line), &mut events)?;
                    rest = &rest[i + 1..];
                }
                None => {
                    self.push(rest)?;
                    rest = &[];
                }
            }
        }
        Ok(events)
    }

    fn push(&mut self, bytes: &[u8]) -> Result<(), TooLong> {
        if self.line.len() + bytes.len() > MAX_EVENT_BYTES {
            self.line.clear();
            return Err(TooLong);
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn end_line(&mut self, line: &str, events: &mut Vec<String>) -> Result<(), TooLong> {
        if line.is_empty() {
            if !self.data.is_empty() {
                events.push(self.data.join("\n"));
                self.data.clear();
                self.data_bytes = 0;
            }
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        if field == "data" {
            let value = value.strip_prefix(' ').unwrap_or(value);
            self.data_bytes += value.len() + 1;
            if self.data_bytes > MAX_EVENT_BYTES {
                self.data.clear();
                self.data_bytes = 0;
                return Err(TooLong);
            }
            self.data.push(value.to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(p: &mut SseParser, s: &str) -> Vec<String> {
        p.feed(s.as_bytes()).unwrap()
    }

    #[test]
    fn events_are_split_on_blank_lines_and_comments_skipped() {
        let mut p = SseParser::default();
        let out = feed(&mut p, ": ping\n\ndata: {\"status\":\"IN_QUEUE\"}\n\ndata: {\"status\":\"COMPLETED\"}\n\n");
        assert_eq!(out, [r#"{"status":"IN_QUEUE"}"#, r#"{"status":"COMPLETED"}"#]);
    }

    #[test]
    fn events_may_arrive_in_pieces_with_any_line_ending() {
        let mut p = SseParser::default();
        assert!(feed(&mut p, "da").is_empty());
        assert!(feed(&mut p, "ta: {\"a\":").is_empty());
        assert!(feed(&mut p, "1}\r").is_empty());
        assert_eq!(feed(&mut p, "\n\r\n"), [r#"{"a":1}"#]);
        assert_eq!(feed(&mut p, "data:x\rdata: y\r\r"), ["x\ny"]);
        assert_eq!(feed(&mut p, "event: status\nid: 3\nretry: 10\ndata: z\n\n"), ["z"]);
        assert!(feed(&mut p, "data: unfinished\n").is_empty(), "no blank line yet");
    }

    #[test]
    fn invalid_utf8_becomes_a_replacement_and_the_stream_goes_on() {
        let mut p = SseParser::default();
        let out = p.feed(b"data: {\"status\":\"IN_\xff\xfePROGRESS\"}\n\ndata: next\n\n").unwrap();
        assert_eq!(out, ["{\"status\":\"IN_\u{FFFD}\u{FFFD}PROGRESS\"}", "next"]);
        // A character cut by a chunk boundary is whole once its line is.
        let bytes = "data: 队列\n\n".as_bytes();
        assert!(p.feed(&bytes[..8]).unwrap().is_empty());
        assert_eq!(p.feed(&bytes[8..]).unwrap(), ["队列"]);
    }

    #[test]
    fn a_line_or_an_event_over_a_megabyte_is_refused() {
        let mut p = SseParser::default();
        let big = vec![b'x'; MAX_EVENT_BYTES / 2];
        assert!(p.feed(b"data: ").unwrap().is_empty());
        assert!(p.feed(&big).unwrap().is_empty());
        assert_eq!(p.feed(&big), Err(TooLong));
        let mut p = SseParser::default();
        let line = [b"data: ".as_slice(), &big, b"\n"].concat();
        assert!(p.feed(&line).unwrap().is_empty());
        assert_eq!(p.feed(&line), Err(TooLong), "two half-megabyte lines make an event too large");
        let mut p = SseParser::default();
        assert_eq!(feed(&mut p, ": comment\n\ndata: ok\n\n"), ["ok"], "a parser that never overflowed works");
    }
}
