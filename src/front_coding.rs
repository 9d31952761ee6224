//! Front coding of sorted strings, as the pack stores the coding index's keys and the
//! spelling vocabulary: string `i` is the first `shared[i]` bytes of string `i - 1` followed
//! by `suffixes[i]`. Sorted titles and words share long prefixes, so this takes a good part
//! of their bytes off before compression.

/// Front-codes `sorted` (in that order): (shared prefix lengths, suffixes). A shared prefix
/// is capped at 255 bytes and never splits a character.
pub fn encode<'a>(sorted: impl IntoIterator<Item = &'a str>) -> (Vec<u8>, Vec<String>) {
    let (mut shared, mut suffixes) = (Vec::new(), Vec::new());
    let mut previous = "";
    for s in sorted {
        let common = previous.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count().min(255);
        let common = (0..=common).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        shared.push(common as u8);
        suffixes.push(s[common..].to_string());
        previous = s;
    }
    (shared, suffixes)
}

/// Calls `each(i, string)` on the strings `shared` and `suffixes` front-code, in order.
/// Stops with a message (naming the position) when a prefix is longer than the previous
/// string or splits a character, or when `each` refuses a string.
pub fn decode(shared: &[u8], suffixes: &[String], mut each: impl FnMut(usize, &str) -> Result<(), String>) -> Result<(), String> {
    let mut s = String::new();
    for (i, (&n, suffix)) in shared.iter().zip(suffixes).enumerate() {
        let n = usize::from(n);
        if n > s.len() || !s.is_char_boundary(n) {
            return Err(format!("entry {i} shares more of the previous one than there is"));
        }
        s.truncate(n);
        s.push_str(suffix);
        each(i, &s)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_characters_whole() {
        let words = ["café", "cafés", "caffè", "registered nurse", "registered nurse aged care"];
        let (shared, suffixes) = encode(words);
        assert_eq!(shared, [0, 5, 3, 0, 16], "'caffè' shares 'caf', not half of 'é'");
        let mut out = Vec::new();
        decode(&shared, &suffixes, |_, s| {
            out.push(s.to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(out, words);
        assert!(decode(&[1], &["x".into()], |_, _| Ok(())).is_err(), "a prefix of nothing");
        assert!(decode(&[0, 4], &["café".into(), "x".into()], |_, _| Ok(())).is_err(), "a prefix splitting 'é'");
    }
}
