//! The difference between two prompts, word by word: what a rewrite
//! added and removed. Latin text is compared by words (and the spaces and
//! punctuation between them); Chinese and Japanese, which put no spaces
//! between words, by character.

use super::rewrite::is_cjk;

/// One piece of the difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// The pieces of `text` compared: a run of letters and digits (not CJK),
/// a run of spaces, or any other single character.
fn tokens(text: &str) -> Vec<&str> {
    let kind = |c: char| {
        if c.is_whitespace() {
            1
        } else if c.is_alphanumeric() && !is_cjk(c) {
            2
        } else {
            0
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut last = None;
    for (i, c) in text.char_indices() {
        let k = kind(c);
        if i > start && (k == 0 || Some(k) != last) {
            out.push(&text[start..i]);
            start = i;
        }
        last = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Above this many cells the table is not built: the middle is shown as
/// removed and added whole (a prompt is seldom a tenth of this).
const MAX_CELLS: usize = 4_000_000;

/// `from` → `to` as pieces of unchanged, added and removed text, in the
/// order they read (a removal before the addition in its place); pieces of
/// one kind in a row are joined. The longest common subsequence of the
/// tokens, after their common start and end are set aside.
pub fn diff(from: &str, to: &str) -> Vec<(Change, String)> {
    let (a, b) = (tokens(from), tokens(to));
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out: Vec<(Change, String)> = Vec::new();
    let mut push = |c: Change, t: &str| match out.last_mut() {
        Some((k, s)) if *k == c => s.push_str(t),
        _ if t.is_empty() => {}
        _ => out.push((c, t.to_string())),
    };
    a[..head].iter().for_each(|t| push(Change::Same, t));
    let (n, m) = (ma.len(), mb.len());
    if (n + 1) * (m + 1) > MAX_CELLS {
        ma.iter().for_each(|t| push(Change::Removed, t));
        mb.iter().for_each(|t| push(Change::Added, t));
    } else {
        // lcs[i][j]: the longest common run of ma[i..] and mb[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] { lcs[(i + 1) * w + j + 1] + 1 } else { lcs[(i + 1) * w + j].max(lcs[i * w + j + 1]) };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                push(Change::Same, ma[i]);
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                push(Change::Removed, ma[i]);
                i += 1;
            } else {
                push(Change::Added, mb[j]);
                j += 1;
            }
        }
    }
    a[a.len() - tail..].iter().for_each(|t| push(Change::Same, t));
    out
}

/// The difference as HTML: added text in `<ins>`, removed in `<del>`,
/// every piece escaped (the proposal comes from the network).
pub fn html(pieces: &[(Change, String)]) -> String {
    let mut out = String::new();
    for (c, text) in pieces {
        let tag = match c {
            Change::Same => "",
            Change::Added => "ins",
            Change::Removed => "del",
        };
        if !tag.is_empty() {
            out.push_str(&format!("<{tag}>"));
        }
        for ch in text.chars() {
            match ch {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                _ => out.push(ch),
            }
        }
        if !tag.is_empty() {
            out.push_str(&format!("</{tag}>"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Change::*;

    fn d(a: &str, b: &str) -> Vec<(Change, &'static str)> {
        diff(a, b).into_iter().map(|(c, s)| (c, &*Box::leak(s.into_boxed_str()))).collect()
    }

    /// Both texts come back from the pieces: the old without the added,
    /// the new without the removed.
    fn sides(p: &[(Change, String)]) -> (String, String) {
        let side = |skip: Change| p.iter().filter(|(c, _)| *c != skip).map(|(_, s)| s.as_str()).collect();
        (side(Added), side(Removed))
    }

    #[test]
    fn english_is_compared_by_words() {
        assert_eq!(
            d("make the sky blue", "make the evening sky deep blue"),
            vec![(Same, "make the "), (Added, "evening "), (Same, "sky"), (Added, " deep"), (Same, " blue")]
        );
        assert_eq!(d("remove the red car", "remove the car"), vec![(Same, "remove the "), (Removed, "red "), (Same, "car")]);
        assert_eq!(
            d("a cat", "a dog"),
            vec![(Same, "a "), (Removed, "cat"), (Added, "dog")],
            "a changed word is removed, then added: never half of it"
        );
    }

    #[test]
    fn chinese_is_compared_by_character() {
        assert_eq!(
            d("把天空变成蓝色", "把图1中的天空变成深蓝色"),
            vec![(Same, "把"), (Added, "图1中的"), (Same, "天空变成"), (Added, "深"), (Same, "蓝色")]
        );
        assert_eq!(tokens("图1中的sky, 好"), vec!["图", "1", "中", "的", "sky", ",", " ", "好"]);
    }

    #[test]
    fn edges() {
        assert_eq!(d("same", "same"), vec![(Same, "same")]);
        assert_eq!(d("", "new text"), vec![(Added, "new text")]);
        assert_eq!(d("old text", ""), vec![(Removed, "old text")]);
        assert!(diff("", "").is_empty());
        assert_eq!(d("Put \"SALE\" on it.", "Put \"SALE 50%\" on it."), vec![(Same, "Put \"SALE"), (Added, " 50%"), (Same, "\" on it.")]);
    }

    #[test]
    fn the_pieces_give_back_both_texts() {
        let cases = [
            ("turn the man's head to the left", "In image 1, turn the man's head slightly to the left; keep his face, pose and the background unchanged."),
            ("把图2里的猫放到图1的沙发上", "把图2中的橘猫放在图1的沙发左侧，保持图1的背景和光线不变。"),
            ("mixed 中文 and English", "English 和 中文 mixed"),
            ("a  b\n\nc", "a b c"),
        ];
        for (a, b) in cases {
            let p = diff(a, b);
            assert_eq!(sides(&p), (a.to_string(), b.to_string()), "{a} → {b}");
            assert!(p.windows(2).all(|w| w[0].0 != w[1].0), "pieces of one kind are joined: {p:?}");
        }
    }

    #[test]
    fn the_html_escapes_what_came_from_the_network() {
        let p = diff("a <b>", "a <img src=x onerror=alert(1)> & \"q\"");
        let h = html(&p);
        assert_eq!(h, "a &lt;<del>b</del><ins>img src=x onerror=alert(1)</ins>&gt;<ins> &amp; &quot;q&quot;</ins>");
        assert!(!h.contains("<img") && !h.contains("<b>"), "{h}");
        assert_eq!(html(&diff("把天空", "把图1的天空")), "把<ins>图1的</ins>天空");
    }

    #[test]
    fn texts_too_long_for_the_table_are_shown_whole() {
        let a = "x ".repeat(3000);
        let b = "y ".repeat(3000);
        let p = diff(&format!("start {a}end"), &format!("start {b}end"));
        assert_eq!(p.len(), 4, "start, removed, added, end");
        assert_eq!((p[0].0, p[1].0, p[2].0, p[3].0), (Same, Removed, Added, Same));
        assert_eq!(sides(&p), (format!("start {a}end"), format!("start {b}end")));
    }
}
