//! The JSON Schemas in `schema/` (for editors that check TOML against a schema) must name
//! exactly the fields the loader reads, so neither can drift from the other.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::item::{IrtParams, Item, ItemStatus, ItemText, ParamSource, SetFile, SetItem};

fn schema(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("schema file")).expect("JSON")
}

fn property_names(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

fn required(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .map(|v| v.as_str().expect("name").to_string())
        .collect()
}

fn keys<T: serde::Serialize>(value: &T) -> BTreeSet<String> {
    serde_json::to_value(value)
        .expect("serialises")
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn text() -> ItemText {
    ItemText {
        stem: "s".into(),
        options: vec!["a".into(), "b".into()],
        rationale: "r".into(),
    }
}

fn irt() -> IrtParams {
    IrtParams {
        source: ParamSource::Calibrated,
        a: 1.0,
        b: 0.0,
        c: 0.2,
        calibrated_on: Some("2026-11-01".into()),
        responses: Some(500),
    }
}

fn full_item(minimal: bool) -> Item {
    Item {
        id: "X".into(),
        competency: "C01".into(),
        status: ItemStatus::Approved,
        key: "A".into(),
        en: text(),
        es: (!minimal).then(text),
        references: if minimal { vec![] } else { vec!["r".into()] },
        enemies: if minimal { vec![] } else { vec!["Y".into()] },
        scenario: None,
        irt: (!minimal).then(irt),
    }
}

#[test]
fn the_item_schema_names_every_field_of_an_item_file() {
    let s = schema("item.schema.json");
    assert_eq!(property_names(&s), keys(&full_item(false)));
    assert_eq!(required(&s), keys(&full_item(true)));
    assert_eq!(property_names(&s["$defs"]["text"]), keys(&text()));
    assert_eq!(property_names(&s["$defs"]["irt"]), keys(&irt()));
}

#[test]
fn the_set_schema_names_every_field_of_a_set_file() {
    let s = schema("set.schema.json");
    let set_item = SetItem {
        id: "S-1".into(),
        status: Some(ItemStatus::Draft),
        key: "A".into(),
        references: vec!["r".into()],
        enemies: vec!["Y".into()],
        en: text(),
        es: Some(text()),
        irt: Some(irt()),
    };
    let set = SetFile {
        id: "S".into(),
        competency: "C01".into(),
        status: ItemStatus::Approved,
        en: crate::item::ScenarioText {
            scenario: "x".into(),
        },
        es: Some(crate::item::ScenarioText {
            scenario: "y".into(),
        }),
        items: vec![set_item.clone()],
    };
    assert_eq!(property_names(&s), keys(&set));
    assert_eq!(property_names(&s["$defs"]["set_item"]), keys(&set_item));
    assert_eq!(
        property_names(&s["$defs"]["scenario"]),
        ["scenario".to_string()].into()
    );
}
