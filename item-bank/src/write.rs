//! Writing a bank back to its file format (for `certamen bank export`).

use crate::exam::ExamDefinition;
use crate::item::Item;

/// One item as the text of its `items/<id>.toml` file.
pub fn item_file(item: &Item) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(item)
}

/// The exam definition as the text of `exam.toml`, under a comment line.
pub fn exam_file(exam: &ExamDefinition, comment: &str) -> Result<String, toml::ser::Error> {
    Ok(format!("# {comment}\n{}", toml::to_string_pretty(exam)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_item_and_the_exam_read_back_the_same() {
        let bank = crate::load::load_bank(&crate::sample_bank_dir()).expect("sample bank");
        for item in &bank.items {
            let text = item_file(item).expect("serialises");
            let back: Item = toml::from_str(&text).expect("reads back");
            assert_eq!(&back, item);
        }
        let text = exam_file(&bank.exam, "test").expect("serialises");
        let back: ExamDefinition = toml::from_str(&text).expect("reads back");
        assert_eq!(back, bank.exam);
    }
}
