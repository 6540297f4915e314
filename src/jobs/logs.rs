//! A job's logs as the page keeps them: the newest lines, each capped.

use crate::api::LogEntry;

/// Log lines kept per job (the newest), and the longest line kept.
pub const MAX_LOG_LINES: usize = 500;
pub const MAX_LOG_CHARS: usize = 2_000;

fn cap_line(mut l: LogEntry) -> LogEntry {
    if l.message.len() > MAX_LOG_CHARS {
        if let Some((i, _)) = l.message.char_indices().nth(MAX_LOG_CHARS) {
            l.message.truncate(i);
            l.message.push('…');
        }
    }
    l
}

/// Takes the lines a status brought into `logs` (`dropped`: older lines
/// not kept). A stream sends only new lines; a poll returns every line so
/// far, which replaces the kept ones but never shrinks them.
pub(super) fn keep(logs: &mut Vec<LogEntry>, dropped: &mut u64, new: Vec<LogEntry>, streamed: bool) {
    if streamed {
        logs.extend(new.into_iter().map(cap_line));
    } else {
        let shown = logs.len() as u64 + *dropped;
        if (new.len() as u64) < shown {
            return;
        }
        *dropped = 0;
        *logs = new.into_iter().map(cap_line).collect();
    }
    let n = logs.len();
    if n > MAX_LOG_LINES {
        logs.drain(..n - MAX_LOG_LINES);
        *dropped += (n - MAX_LOG_LINES) as u64;
    }
}
