//! QTI 3.0: a bank as an IMS content package (unzipped folder) and back.
//!
//! - Each item is a `qti-assessment-item` with one `qti-choice-interaction`,
//!   `qti-correct-response` for its key (cardinality "single", or "multiple" with every key of a
//!   multiple-answer item) and the standard `match_correct` response processing; the rationale
//!   is a scorer-only `qti-rubric-block`. The Spanish variant is a second item file with
//!   `xml:lang="es"` (`items/ID.es.xml`).
//! - A scenario set's shared scenario is a `qti-assessment-stimulus` (`stimuli/SET.xml` and
//!   `.es.xml`) that its items reference.
//! - `test.xml` is a `qti-assessment-test` with one section per competency; each item
//!   reference carries the competency as its `category`.
//! - What QTI has no element for (status, IRT parameters, references, enemies) travels in the
//!   manifest's metadata for each item resource, in the `urn:certamen:qti` namespace; other
//!   tools ignore it, and importing our own export gives the same bank. A package from another
//!   tool without it imports as approved items with no IRT parameters, taking each item's
//!   competency from its category in the package's assessment test.
//!
//! Reading is defensive (see [`xml`]); every problem names the file.

pub mod xml;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::exam::ExamDefinition;
use crate::item::{IrtParams, Item, ItemStatus, ItemText, ParamSource, Scenario};
use xml::{escape, Node};

const QTI_NS: &str = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
const CP_NS: &str = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1";
const EXT_NS: &str = "urn:certamen:qti";
const MATCH_CORRECT: &str =
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml";

/// One file of a package: its path inside the package and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct QtiError {
    pub file: String,
    pub message: String,
}

fn err(file: &str, message: impl Into<String>) -> QtiError {
    QtiError {
        file: file.to_string(),
        message: message.into(),
    }
}

fn status_name(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Draft => "draft",
        ItemStatus::InReview => "in_review",
        ItemStatus::Approved => "approved",
        ItemStatus::Retired => "retired",
    }
}

fn item_xml(item: &Item, text: &ItemText, lang: &str, stimulus: Option<&str>) -> String {
    let mut x = String::new();
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        r#"<qti-assessment-item xmlns="{QTI_NS}" identifier="{id}" title="{id}" xml:lang="{lang}" adaptive="false" time-dependent="false">"#,
        id = escape(&item.id)
    );
    // A multiple-answer item is a multiple-cardinality response whose correct value is the
    // whole set of keys; match_correct then scores it all or nothing, as Certamen does.
    let keys = item.key_indexes().unwrap_or_default();
    let cardinality = if keys.len() > 1 { "multiple" } else { "single" };
    let values: String = keys
        .iter()
        .map(|&k| {
            format!(
                "<qti-value>{}</qti-value>",
                crate::item::option_letter(k.into())
            )
        })
        .collect();
    let _ = writeln!(
        x,
        r#"  <qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}" base-type="identifier"><qti-correct-response>{values}</qti-correct-response></qti-response-declaration>"#,
    );
    let _ = writeln!(
        x,
        r#"  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>0</qti-value></qti-default-value></qti-outcome-declaration>"#
    );
    if let Some(href) = stimulus {
        let set = item
            .scenario
            .as_ref()
            .map(|s| s.set.as_str())
            .unwrap_or_default();
        let _ = writeln!(
            x,
            r#"  <qti-assessment-stimulus-ref identifier="{}" href="{}"/>"#,
            escape(set),
            escape(href)
        );
    }
    let _ = writeln!(x, "  <qti-item-body>");
    let _ = writeln!(
        x,
        r#"    <qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="{}">"#,
        keys.len().max(1)
    );
    let _ = writeln!(x, "      <qti-prompt>{}</qti-prompt>", escape(&text.stem));
    for (i, option) in text.options.iter().enumerate() {
        let _ = writeln!(
            x,
            r#"      <qti-simple-choice identifier="{}">{}</qti-simple-choice>"#,
            crate::item::option_letter(i),
            escape(option)
        );
    }
    let _ = writeln!(x, "    </qti-choice-interaction>");
    let _ = writeln!(
        x,
        r#"    <qti-rubric-block use="rationale" view="scorer"><p>{}</p></qti-rubric-block>"#,
        escape(&text.rationale)
    );
    let _ = writeln!(x, "  </qti-item-body>");
    let _ = writeln!(
        x,
        r#"  <qti-response-processing template="{MATCH_CORRECT}"/>"#
    );
    let _ = writeln!(x, "</qti-assessment-item>");
    x
}

fn stimulus_xml(set: &str, lang: &str, scenario: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<qti-assessment-stimulus xmlns=\"{QTI_NS}\" identifier=\"{id}\" title=\"{id}\" xml:lang=\"{lang}\">\n  <qti-stimulus-body><p>{}</p></qti-stimulus-body>\n</qti-assessment-stimulus>\n",
        escape(scenario),
        id = escape(set)
    )
}

/// The certamen metadata of one item resource in the manifest.
fn metadata(item: &Item) -> String {
    let mut m = format!(
        r#"<metadata><c:item xmlns:c="{EXT_NS}" competency="{}" status="{}">"#,
        escape(&item.competency),
        status_name(item.status)
    );
    if let Some(p) = &item.irt {
        let _ = write!(
            m,
            r#"<c:irt source="{}" a="{}" b="{}" c="{}""#,
            match p.source {
                ParamSource::Provisional => "provisional",
                ParamSource::Calibrated => "calibrated",
            },
            p.a,
            p.b,
            p.c
        );
        if let Some(d) = &p.calibrated_on {
            let _ = write!(m, r#" calibrated-on="{}""#, escape(d));
        }
        if let Some(n) = p.responses {
            let _ = write!(m, r#" responses="{n}""#);
        }
        m.push_str("/>");
    }
    for r in &item.references {
        let _ = write!(m, "<c:reference>{}</c:reference>", escape(r));
    }
    for e in &item.enemies {
        let _ = write!(m, r#"<c:enemy id="{}"/>"#, escape(e));
    }
    m.push_str("</c:item></metadata>");
    m
}

/// The bank as a QTI 3.0 package: manifest, test, items and stimuli.
pub fn export(exam: &ExamDefinition, items: &[Item]) -> Vec<PackageFile> {
    let mut files = Vec::new();
    let mut resources = String::new();
    let mut stimuli: BTreeMap<String, &Scenario> = BTreeMap::new();
    for item in items {
        if let Some(s) = &item.scenario {
            stimuli.entry(s.set.clone()).or_insert(s);
        }
    }
    for (set, s) in &stimuli {
        for (lang, text) in [("en", Some(&s.en)), ("es", s.es.as_ref())] {
            let Some(text) = text else { continue };
            let path = if lang == "en" {
                format!("stimuli/{set}.xml")
            } else {
                format!("stimuli/{set}.es.xml")
            };
            let _ = write!(
                resources,
                r#"<resource identifier="STIM-{}-{lang}" type="imsqti_stimulus_xmlv3p0" href="{p}"><file href="{p}"/></resource>"#,
                escape(set),
                p = escape(&path)
            );
            files.push(PackageFile {
                path,
                text: stimulus_xml(set, lang, text),
            });
        }
    }
    for item in items {
        let stim = |lang: &str| {
            item.scenario.as_ref().map(|s| {
                if lang == "en" {
                    format!("../stimuli/{}.xml", s.set)
                } else {
                    format!("../stimuli/{}.es.xml", s.set)
                }
            })
        };
        let en_path = format!("items/{}.xml", item.id);
        files.push(PackageFile {
            path: en_path.clone(),
            text: item_xml(item, &item.en, "en", stim("en").as_deref()),
        });
        let mut file_list = format!(r#"<file href="{}"/>"#, escape(&en_path));
        if let Some(es) = &item.es {
            let es_path = format!("items/{}.es.xml", item.id);
            let es_stim = item
                .scenario
                .as_ref()
                .and_then(|s| s.es.as_ref())
                .and(stim("es"));
            files.push(PackageFile {
                path: es_path.clone(),
                text: item_xml(item, es, "es", es_stim.as_deref()),
            });
            let _ = write!(file_list, r#"<file href="{}"/>"#, escape(&es_path));
        }
        let _ = write!(
            resources,
            r#"<resource identifier="ITEM-{}" type="imsqti_item_xmlv3p0" href="{}">{}{}</resource>"#,
            escape(&item.id),
            escape(&en_path),
            metadata(item),
            file_list
        );
    }
    // The test: one section per competency, in blueprint order.
    let mut test = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<qti-assessment-test xmlns=\"{QTI_NS}\" identifier=\"{id}\" title=\"{t}\">\n  <qti-test-part identifier=\"part-1\" navigation-mode=\"nonlinear\" submission-mode=\"simultaneous\">\n",
        id = escape(&exam.id),
        t = escape(&exam.title)
    );
    for (_, c) in exam.competencies() {
        let _ = writeln!(
            test,
            r#"    <qti-assessment-section identifier="{}" title="{}" visible="false">"#,
            escape(&c.id),
            escape(&c.name)
        );
        for item in items.iter().filter(|i| i.competency == c.id) {
            let _ = writeln!(
                test,
                r#"      <qti-assessment-item-ref identifier="{id}" href="items/{id}.xml" category="{}"/>"#,
                escape(&c.id),
                id = escape(&item.id)
            );
        }
        let _ = writeln!(test, "    </qti-assessment-section>");
    }
    test.push_str("  </qti-test-part>\n</qti-assessment-test>\n");
    let _ = write!(
        resources,
        r#"<resource identifier="TEST-{}" type="imsqti_test_xmlv3p0" href="test.xml"><file href="test.xml"/></resource>"#,
        escape(&exam.id)
    );
    files.push(PackageFile {
        path: "test.xml".into(),
        text: test,
    });
    files.push(PackageFile {
        path: "imsmanifest.xml".into(),
        text: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"{CP_NS}\" identifier=\"MANIFEST-{}\"><organizations/><resources>{resources}</resources></manifest>\n",
            escape(&exam.id)
        ),
    });
    files
}

/// Refuses a package any of whose files would land outside its folder (an identifier such as
/// `../x` read from another tool's package), naming the file.
fn check_paths(files: &[PackageFile]) -> Result<(), String> {
    for f in files {
        for part in f.path.split('/') {
            crate::check_file_name(part).map_err(|e| format!("package file {:?}: {e}", f.path))?;
        }
    }
    Ok(())
}

/// Writes a package into the new folder `dir` (which must not exist).
pub fn write_package(dir: &Path, files: &[PackageFile]) -> std::io::Result<()> {
    check_paths(files).map_err(std::io::Error::other)?;
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &f.text)?;
    }
    Ok(())
}

/// One language of an item read from its QTI file: key, text, and the stimulus href.
struct ReadItem {
    identifier: String,
    key: String,
    text: ItemText,
    stimulus: Option<(String, String)>,
}

/// Where a package's files come from: a folder or an unpacked zip.
type Source<'a> = dyn Fn(&str) -> Result<String, QtiError> + 'a;

fn outside(rel: &str) -> bool {
    rel.starts_with('/') || rel.split(['/', '\\']).any(|part| part == "..")
}

/// A file of a package folder, within the size limit.
fn from_dir(dir: &Path, rel: &str) -> Result<String, QtiError> {
    let path = dir.join(rel);
    let meta = std::fs::metadata(&path).map_err(|e| err(rel, format!("cannot read: {e}")))?;
    if meta.len() > xml::MAX_BYTES as u64 {
        return Err(err(
            rel,
            format!(
                "{} bytes; at most {} are accepted",
                meta.len(),
                xml::MAX_BYTES
            ),
        ));
    }
    std::fs::read_to_string(&path).map_err(|e| err(rel, format!("cannot read: {e}")))
}

fn read_file(src: &Source<'_>, rel: &str) -> Result<Node, QtiError> {
    if outside(rel) {
        return Err(err(rel, "a path outside the package is not accepted"));
    }
    let text = src(rel)?;
    xml::parse(&text).map_err(|m| err(rel, m))
}

fn read_item(src: &Source<'_>, rel: &str) -> Result<ReadItem, QtiError> {
    let root = read_file(src, rel)?;
    if root.name != "qti-assessment-item" {
        return Err(err(
            rel,
            format!("the root is <{}>, not <qti-assessment-item>", root.name),
        ));
    }
    let identifier = root
        .attr("identifier")
        .ok_or_else(|| err(rel, "qti-assessment-item has no identifier"))?
        .to_string();
    let mut choices = Vec::new();
    root.find_all("qti-choice-interaction", &mut choices);
    let [interaction] = choices.as_slice() else {
        return Err(err(
            rel,
            format!(
                "{} choice interactions; Certamen items have exactly one",
                choices.len()
            ),
        ));
    };
    let mut options = Vec::new();
    let mut ids = Vec::new();
    let mut simple = Vec::new();
    interaction.find_all("qti-simple-choice", &mut simple);
    for c in simple {
        ids.push(c.attr("identifier").unwrap_or_default().to_string());
        options.push(c.text());
    }
    let declaration = root
        .find("qti-response-declaration")
        .ok_or_else(|| err(rel, "no qti-response-declaration: the item has no key"))?;
    let cardinality = declaration.attr("cardinality").unwrap_or("single");
    let mut values = Vec::new();
    if let Some(c) = declaration.find("qti-correct-response") {
        c.find_all("qti-value", &mut values);
    }
    if values.is_empty() {
        return Err(err(rel, "no qti-correct-response: the item has no key"));
    }
    let mut keys = Vec::new();
    for v in values {
        let correct = v.text();
        let position = ids.iter().position(|i| *i == correct).ok_or_else(|| {
            err(
                rel,
                format!("the correct response {correct:?} is none of the choices"),
            )
        })?;
        keys.push(u8::try_from(position).map_err(|_| err(rel, "too many choices"))?);
    }
    keys.sort_unstable();
    match cardinality {
        "single" if keys.len() == 1 => {}
        "multiple" if keys.len() > 1 => {}
        "single" => {
            return Err(err(
                rel,
                format!("cardinality \"single\" with {} correct values", keys.len()),
            ))
        }
        "multiple" => {
            return Err(err(
                rel,
                "cardinality \"multiple\" with one correct value: write it as a single-answer item",
            ))
        }
        other => {
            return Err(err(
                rel,
                format!(
                    "response cardinality {other:?}; choice items are \"single\" or \"multiple\""
                ),
            ))
        }
    }
    // A choice limit below the number of keys could never be answered correctly.
    if let Some(max) = interaction.attr("max-choices") {
        let max: usize = max
            .parse()
            .map_err(|_| err(rel, format!("max-choices {max:?} is not a number")))?;
        if max != 0 && max < keys.len() {
            return Err(err(
                rel,
                format!(
                    "max-choices=\"{max}\" but the key has {} options: no response could be correct",
                    keys.len()
                ),
            ));
        }
    }
    let mut rubric = Vec::new();
    root.find_all("qti-rubric-block", &mut rubric);
    let rationale = rubric
        .iter()
        .find(|r| r.attr("use") == Some("rationale"))
        .or(rubric.first())
        .map(|r| r.text())
        .unwrap_or_default();
    let stimulus = root.find("qti-assessment-stimulus-ref").map(|s| {
        (
            s.attr("identifier").unwrap_or_default().to_string(),
            s.attr("href").unwrap_or_default().to_string(),
        )
    });
    Ok(ReadItem {
        identifier,
        key: crate::item::key_text(&keys),
        text: ItemText {
            stem: interaction
                .find("qti-prompt")
                .map(|p| p.text())
                .unwrap_or_default(),
            options,
            rationale,
        },
        stimulus,
    })
}

/// A stimulus referenced from an item file in `items/` (so its href starts with `../`).
fn read_stimulus(src: &Source<'_>, href: &str) -> Result<String, QtiError> {
    let rel = href.strip_prefix("../").unwrap_or(href);
    let root = read_file(src, rel)?;
    if root.name != "qti-assessment-stimulus" {
        return Err(err(rel, "not a qti-assessment-stimulus"));
    }
    Ok(root
        .find("qti-stimulus-body")
        .map(|b| b.text())
        .unwrap_or_default())
}

/// Reads a package folder back into items (validate them with the bank's checks after).
pub fn import(dir: &Path) -> Result<Vec<Item>, QtiError> {
    import_from(&|rel: &str| from_dir(dir, rel))
}

/// Reads a zipped package (as TAO and other tools exchange them).
pub fn import_zip(path: &Path) -> Result<Vec<Item>, QtiError> {
    let files = unzip(path)?;
    import_from(&|rel: &str| {
        files
            .get(rel)
            .cloned()
            .ok_or_else(|| err(rel, "not in the zip package"))
    })
}

/// The most a zip package may hold, unpacked: a zip bomb stops here.
pub const MAX_ZIP_ENTRIES: usize = 20_000;
pub const MAX_ZIP_TOTAL: u64 = 256 << 20;

fn unzip(path: &Path) -> Result<BTreeMap<String, String>, QtiError> {
    use std::io::Read;
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| err(&name, format!("cannot read: {e}")))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| err(&name, format!("not a readable zip: {e}")))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(err(
            &name,
            format!(
                "{} entries; at most {MAX_ZIP_ENTRIES} are accepted",
                archive.len()
            ),
        ));
    }
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| err(&name, format!("entry {i}: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let rel = entry
            .enclosed_name()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .ok_or_else(|| {
                err(
                    &name,
                    format!("entry {:?} points outside the package", entry.name()),
                )
            })?;
        // Never trust the declared size: read at most one byte past the limit.
        let mut bytes = Vec::new();
        (&mut entry)
            .take(xml::MAX_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(&rel, format!("cannot unpack: {e}")))?;
        if bytes.len() > xml::MAX_BYTES {
            return Err(err(
                &rel,
                format!("unpacks to more than {} bytes", xml::MAX_BYTES),
            ));
        }
        total += bytes.len() as u64;
        if total > MAX_ZIP_TOTAL {
            return Err(err(
                &name,
                format!("unpacks to more than {MAX_ZIP_TOTAL} bytes"),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| err(&rel, "not UTF-8 text"))?;
        files.insert(rel, text);
    }
    Ok(files)
}

/// Writes a package as one zip file (deflated).
pub fn write_zip(path: &Path, files: &[PackageFile]) -> Result<(), QtiError> {
    use std::io::Write;
    let name = path.display().to_string();
    check_paths(files).map_err(|e| err(&name, e))?;
    let file =
        std::fs::File::create(path).map_err(|e| err(&name, format!("cannot create: {e}")))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for f in files {
        zip.start_file(f.path.as_str(), options)
            .and_then(|()| zip.write_all(f.text.as_bytes()).map_err(Into::into))
            .map_err(|e| err(&f.path, format!("cannot write: {e}")))?;
    }
    zip.finish()
        .map_err(|e| err(&name, format!("cannot finish: {e}")))?;
    Ok(())
}

fn import_from(src: &Source<'_>) -> Result<Vec<Item>, QtiError> {
    let manifest = read_file(src, "imsmanifest.xml")?;
    let mut resources = Vec::new();
    manifest.find_all("resource", &mut resources);
    // Packages from other tools carry no certamen metadata: an item's competency may then come
    // from its reference's category in an assessment test.
    let mut categories = BTreeMap::new();
    for r in resources
        .iter()
        .filter(|r| r.attr("type").is_some_and(|t| t.starts_with("imsqti_test")))
    {
        let Some(href) = r.attr("href") else { continue };
        let test = read_file(src, href)?;
        let mut refs = Vec::new();
        test.find_all("qti-assessment-item-ref", &mut refs);
        for item_ref in refs {
            let first = item_ref
                .attr("category")
                .and_then(|c| c.split_whitespace().next());
            if let (Some(id), Some(category)) = (item_ref.attr("identifier"), first) {
                categories.insert(id.to_string(), category.to_string());
            }
        }
    }
    let mut items = Vec::new();
    for r in resources
        .iter()
        .filter(|r| r.attr("type").is_some_and(|t| t.starts_with("imsqti_item")))
    {
        let mut hrefs = Vec::new();
        r.find_all("file", &mut hrefs);
        let files: Vec<&str> = hrefs.iter().filter_map(|f| f.attr("href")).collect();
        let en_rel = r
            .attr("href")
            .or(files.first().copied())
            .ok_or_else(|| err("imsmanifest.xml", "an item resource without an href"))?;
        let en = read_item(src, en_rel)?;
        let es_rel = files.iter().copied().find(|f| *f != en_rel);
        let es = es_rel.map(|rel| read_item(src, rel)).transpose()?;
        if let (Some(es), Some(rel)) = (&es, es_rel) {
            if es.key != en.key || es.identifier != en.identifier {
                return Err(err(
                    rel,
                    "the Spanish variant has a different identifier or key",
                ));
            }
        }
        let meta = r.find("item");
        let attr = |k: &str| meta.and_then(|m| m.attr(k)).map(str::to_string);
        let status = match attr("status").as_deref() {
            None | Some("approved") => ItemStatus::Approved,
            Some("draft") => ItemStatus::Draft,
            Some("in_review") => ItemStatus::InReview,
            Some("retired") => ItemStatus::Retired,
            Some(other) => {
                return Err(err(
                    "imsmanifest.xml",
                    format!("item {}: unknown status {other:?}", en.identifier),
                ))
            }
        };
        let competency = attr("competency")
            .or_else(|| categories.get(&en.identifier).cloned())
            .ok_or_else(|| {
                err(
                    "imsmanifest.xml",
                    format!(
                        "item {}: no competency: give it in the item's certamen metadata or as the category of its qti-assessment-item-ref in the test",
                        en.identifier
                    ),
                )
            })?;
        let irt = match meta.and_then(|m| m.find("irt")) {
            None => None,
            Some(p) => {
                let num = |k: &str| -> Result<f64, QtiError> {
                    p.attr(k).unwrap_or("0").parse().map_err(|_| {
                        err(
                            "imsmanifest.xml",
                            format!("item {}: irt {k} is not a number", en.identifier),
                        )
                    })
                };
                Some(IrtParams {
                    source: if p.attr("source") == Some("calibrated") {
                        ParamSource::Calibrated
                    } else {
                        ParamSource::Provisional
                    },
                    a: num("a")?,
                    b: num("b")?,
                    c: num("c")?,
                    calibrated_on: p.attr("calibrated-on").map(str::to_string),
                    responses: p.attr("responses").and_then(|n| n.parse().ok()),
                })
            }
        };
        let mut refs = Vec::new();
        let mut enemies = Vec::new();
        if let Some(m) = meta {
            m.find_all("reference", &mut refs);
            m.find_all("enemy", &mut enemies);
        }
        let scenario = match &en.stimulus {
            None => None,
            Some((set, href)) => Some(Scenario {
                set: set.clone(),
                en: read_stimulus(src, href)?,
                es: match es.as_ref().and_then(|e| e.stimulus.clone()) {
                    Some((_, es_href)) => Some(read_stimulus(src, &es_href)?),
                    None => None,
                },
            }),
        };
        items.push(Item {
            id: en.identifier.clone(),
            competency,
            status,
            key: en.key.clone(),
            en: en.text,
            es: es.map(|e| e.text),
            references: refs.iter().map(|n| n.text()).collect(),
            enemies: enemies
                .iter()
                .filter_map(|n| n.attr("id").map(str::to_string))
                .collect(),
            scenario,
            irt,
        });
    }
    items.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("certamen-qti-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// A two-item scenario set with every optional part: Spanish, references, enemies,
    /// calibrated parameters, and text that needs escaping.
    fn full_set() -> Vec<Item> {
        let text = |s: &str| ItemText {
            stem: format!("{s} <stem> & \"quotes\""),
            options: vec![format!("{s} one"), format!("{s} two"), format!("{s} três")],
            rationale: format!("{s} because"),
        };
        let scenario = Scenario {
            set: "ZZ-SET".into(),
            en: "A scenario & its <details>.".into(),
            es: Some("Un escenario y sus detalles.".into()),
        };
        (1..=2)
            .map(|n| Item {
                id: format!("ZZ-SET-{n}"),
                competency: "C13".into(),
                status: ItemStatus::InReview,
                // The second is a multiple-answer item: two keys travel as one correct set.
                key: if n == 1 { "C".into() } else { "A, C".into() },
                en: text("en"),
                es: Some(text("es")),
                references: vec!["DHCS (2022). Peer Support Services.".into()],
                enemies: vec!["PS-C13-01".into()],
                scenario: Some(scenario.clone()),
                irt: Some(IrtParams {
                    source: ParamSource::Calibrated,
                    a: 1.25,
                    b: -0.5,
                    c: 0.18,
                    calibrated_on: Some("2026-10-01".into()),
                    responses: Some(1834),
                }),
            })
            .collect()
    }

    #[test]
    fn a_package_whose_ids_climb_out_of_its_folder_writes_nothing() {
        let base =
            std::env::temp_dir().join(format!("certamen-qti-hostile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).expect("base");
        let dir = base.join("out");
        let hostile = [
            "items/../../escaped.xml",
            "stimuli/../x.xml",
            "items/.hidden.xml",
            "/etc/x.xml",
        ];
        for path in hostile {
            let files = vec![
                PackageFile {
                    path: "imsmanifest.xml".into(),
                    text: "<manifest/>".into(),
                },
                PackageFile {
                    path: path.into(),
                    text: "x".into(),
                },
            ];
            let e = write_package(&dir, &files).expect_err(path);
            assert!(e.to_string().contains("cannot be a file name"), "{e}");
            assert!(!dir.exists(), "{path}: nothing written");
            let zipped = base.join("out.zip");
            let e = write_zip(&zipped, &files).expect_err(path);
            assert!(e.message.contains("cannot be a file name"), "{e}");
            assert!(!zipped.exists(), "{path}: no zip written");
        }
        assert!(!base.join("escaped.xml").exists());
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn export_then_import_gives_the_same_items() {
        let mut bank = crate::load::load_bank(&crate::sample_bank_dir()).expect("sample");
        bank.items.extend(full_set());
        bank.items.sort_by(|a, b| a.id.cmp(&b.id));
        let dir = temp("roundtrip");
        let files = export(&bank.exam, &bank.items);
        write_package(&dir, &files).expect("write");
        let back = import(&dir).expect("import");
        assert_eq!(back.len(), bank.items.len());
        for (a, b) in back.iter().zip(&bank.items) {
            // QTI keeps text trimmed; the bank's text is compared the same way.
            let trim = |t: &ItemText| ItemText {
                stem: t.stem.trim().to_string(),
                options: t.options.iter().map(|o| o.trim().to_string()).collect(),
                rationale: t.rationale.trim().to_string(),
            };
            let mut expected = b.clone();
            expected.en = trim(&b.en);
            expected.es = b.es.as_ref().map(trim);
            if let Some(s) = expected.scenario.as_mut() {
                s.en = s.en.trim().to_string();
                s.es = s.es.as_ref().map(|t| t.trim().to_string());
            }
            assert_eq!(a, &expected);
        }
        let manifest = files.iter().find(|f| f.path == "imsmanifest.xml").unwrap();
        assert!(manifest.text.contains("imsqti_item_xmlv3p0"));
        let test = files.iter().find(|f| f.path == "test.xml").unwrap();
        assert!(test.text.contains(r#"category="C13""#));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_zipped_package_reads_back_and_a_zip_bomb_or_escape_is_refused() {
        let bank = crate::load::load_bank(&crate::sample_bank_dir()).expect("sample");
        let dir = temp("zip");
        std::fs::create_dir_all(&dir).unwrap();
        let package = dir.join("bank.zip");
        write_zip(&package, &export(&bank.exam, &bank.items)).expect("zip");
        assert_eq!(import_zip(&package).expect("import"), import_dir_of(&bank));

        // An entry that unpacks past the limit (highly compressible, small on disk).
        let bomb = dir.join("bomb.zip");
        let mut files = export(&bank.exam, &bank.items[..1]);
        files.push(PackageFile {
            path: "items/huge.xml".into(),
            text: "a".repeat(xml::MAX_BYTES + 10),
        });
        write_zip(&bomb, &files).unwrap();
        assert!(
            std::fs::metadata(&bomb).unwrap().len() < 100_000,
            "small on disk"
        );
        let e = import_zip(&bomb).unwrap_err();
        assert!(e.message.contains("unpacks to more than"), "{e}");
        // An entry whose name climbs out of the package.
        // (Made by hand: our own writer refuses such a name.)
        let escape = dir.join("escape.zip");
        {
            use std::io::Write;
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&escape).unwrap());
            zip.start_file("../evil.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(b"<a/>").unwrap();
            zip.finish().unwrap();
        }
        let e = import_zip(&escape).unwrap_err();
        assert!(e.message.contains("points outside the package"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The items a package of `bank` reads back as, through a folder.
    fn import_dir_of(bank: &crate::load::Bank) -> Vec<Item> {
        let dir = temp("zip-folder");
        write_package(&dir, &export(&bank.exam, &bank.items)).unwrap();
        let items = import(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        items
    }

    #[test]
    fn a_package_without_our_metadata_takes_competencies_from_the_test() {
        let bank = crate::load::load_bank(&crate::sample_bank_dir()).expect("sample");
        let dir = temp("foreign");
        write_package(&dir, &export(&bank.exam, &bank.items[..3])).expect("write");
        // What another tool's package looks like: no certamen metadata in the manifest.
        let path = dir.join("imsmanifest.xml");
        let manifest = std::fs::read_to_string(&path).unwrap();
        let mut bare = String::new();
        let mut rest = manifest.as_str();
        while let Some(start) = rest.find("<metadata>") {
            bare.push_str(&rest[..start]);
            let end = rest[start..].find("</metadata>").expect("closed") + start;
            rest = &rest[end + "</metadata>".len()..];
        }
        bare.push_str(rest);
        std::fs::write(&path, &bare).unwrap();
        let items = import(&dir).expect("import");
        assert_eq!(items.len(), 3);
        for (got, source) in items.iter().zip(&bank.items) {
            assert_eq!(got.competency, source.competency);
            assert_eq!(got.status, ItemStatus::Approved);
            assert_eq!(got.irt, None);
            assert_eq!(got.key, source.key);
        }
        // Without the test either, the importer says what is missing.
        std::fs::write(&path, bare.replace("imsqti_test", "webcontent")).unwrap();
        let e = import(&dir).unwrap_err();
        assert!(e.message.contains("no competency"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn hostile_or_broken_packages_are_refused_naming_the_file() {
        let bank = crate::load::load_bank(&crate::sample_bank_dir()).expect("sample");
        let dir = temp("hostile");
        write_package(&dir, &export(&bank.exam, &bank.items[..2])).expect("write");
        let first = format!("items/{}.xml", bank.items[0].id);
        let path = dir.join(&first);
        let good = std::fs::read_to_string(&path).unwrap();
        let cases = [
            (
                good.replacen(
                    "<qti-assessment-item",
                    "<!DOCTYPE x [<!ENTITY e \"boom\">]><qti-assessment-item",
                    1,
                ),
                "DOCTYPE",
            ),
            (
                good.replace("<qti-correct-response>", "<qti-correct-response-x>"),
                "not well-formed",
            ),
            (
                good.replace(
                    &format!("<qti-value>{}</qti-value>", bank.items[0].key),
                    "<qti-value>Z</qti-value>",
                ),
                "the correct response \"Z\" is none of the choices",
            ),
            (
                good.replace("qti-choice-interaction", "qti-text-entry-interaction"),
                "0 choice interactions",
            ),
            (
                good.replace(
                    &format!("<qti-value>{}</qti-value>", bank.items[0].key),
                    "<qti-value>A</qti-value><qti-value>B</qti-value>",
                ),
                "cardinality \"single\" with 2 correct values",
            ),
            (
                good.replace(r#"cardinality="single""#, r#"cardinality="ordered""#),
                "response cardinality \"ordered\"",
            ),
        ];
        for (text, expected) in cases {
            std::fs::write(&path, text).unwrap();
            let e = import(&dir).unwrap_err();
            assert_eq!(e.file, first);
            assert!(e.message.contains(expected), "{e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
