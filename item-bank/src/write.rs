//! Writing a bank back to its file format (for `certamen bank export`).

use crate::exam::ExamDefinition;
use crate::item::{Item, SetFile};

/// One item as the text of its `items/<id>.toml` file.
pub fn item_file(item: &Item) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(item)
}

/// A scenario set as the text of its `sets/<id>.toml` file.
pub fn set_file(set: &SetFile) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(set)
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
        for item in bank.items.iter().filter(|i| i.scenario.is_none()) {
            let text = item_file(item).expect("serialises");
            let back: Item = toml::from_str(&text).expect("reads back");
            assert_eq!(&back, item);
        }
        let in_sets: Vec<&Item> = bank.items.iter().filter(|i| i.scenario.is_some()).collect();
        let mut sets: Vec<&str> = in_sets
            .iter()
            .filter_map(|i| i.scenario.as_ref().map(|s| s.set.as_str()))
            .collect();
        sets.dedup();
        for id in sets {
            let members: Vec<&Item> = in_sets
                .iter()
                .copied()
                .filter(|i| i.scenario.as_ref().is_some_and(|s| s.set == id))
                .collect();
            let set = SetFile::from_items(&members).expect("a set");
            let back: SetFile =
                toml::from_str(&set_file(&set).expect("serialises")).expect("reads back");
            assert_eq!(back.items().iter().collect::<Vec<_>>(), members);

            // Items of one set under review one at a time keep their own statuses.
            let mut mixed: Vec<Item> = members.iter().map(|i| (*i).clone()).collect();
            mixed[1].status = crate::item::ItemStatus::Draft;
            let refs: Vec<&Item> = mixed.iter().collect();
            let text = set_file(&SetFile::from_items(&refs).expect("a set")).expect("serialises");
            let back: SetFile = toml::from_str(&text).expect("reads back");
            assert_eq!(back.items(), mixed);
        }
        let text = exam_file(&bank.exam, "test").expect("serialises");
        let back: ExamDefinition = toml::from_str(&text).expect("reads back");
        assert_eq!(back, bank.exam);
    }
}
