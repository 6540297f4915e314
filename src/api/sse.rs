//! An incremental parser for server-sent events, for the status stream
//! (read with `fetch`, since `EventSource` cannot send the key). Only `data`
//! fields matter here; comments (`: ping`) and other fields are skipped.

#[derive(Debug, Default)]
pub struct SseParser {
    line: String,
    data: Vec<String>,
    /// The last chunk ended with `\r`: a following `\n` belongs to it.
    after_cr: bool,
}

impl SseParser {
    /// Feeds a chunk of text; returns the `data` of every event it completed.
    pub fn feed(&mut self, chunk: &str) -> Vec<String> {
        let mut events = Vec::new();
        for c in chunk.chars() {
            if self.after_cr {
                self.after_cr = false;
                if c == '\n' {
                    continue;
                }
            }
            match c {
                '\r' | '\n' => {
                    self.after_cr = c == '\r';
                    let line = std::mem::take(&mut self.line);
                    self.end_line(&line, &mut events);
                }
                c => self.line.push(c),
            }
        }
        events
    }

    fn end_line(&mut self, line: &str, events: &mut Vec<String>) {
        if line.is_empty() {
            if !self.data.is_empty() {
                events.push(self.data.join("\n"));
                self.data.clear();
            }
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        if field == "data" {
            self.data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_split_on_blank_lines_and_comments_skipped() {
        let mut p = SseParser::default();
        let out = p.feed(": ping\n\ndata: {\"status\":\"IN_QUEUE\"}\n\ndata: {\"status\":\"COMPLETED\"}\n\n");
        assert_eq!(out, [r#"{"status":"IN_QUEUE"}"#, r#"{"status":"COMPLETED"}"#]);
    }

    #[test]
    fn events_may_arrive_in_pieces_with_any_line_ending() {
        let mut p = SseParser::default();
        assert!(p.feed("da").is_empty());
        assert!(p.feed("ta: {\"a\":").is_empty());
        assert!(p.feed("1}\r").is_empty());
        assert_eq!(p.feed("\n\r\n"), [r#"{"a":1}"#]);
        assert_eq!(p.feed("data:x\rdata: y\r\r"), ["x\ny"]);
        assert_eq!(p.feed("event: status\nid: 3\nretry: 10\ndata: z\n\n"), ["z"]);
        assert!(p.feed("data: unfinished\n").is_empty(), "no blank line yet");
    }
}
