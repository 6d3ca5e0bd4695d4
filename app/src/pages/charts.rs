//! Charts drawn as SVG on the server, for the staff statistics. Each is an image with a title
//! and a description a screen reader reads (`role="img"`, `aria-labelledby`), its values
//! written beside the bars (never colour alone, WCAG 1.4.1), and the same figures in a data
//! table under it; colours come from the page's theme, so high contrast and dark apply.

use leptos::prelude::*;

/// One bar: its label, its length (`None`: no figure, e.g. a suppressed group) and the words
/// written at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

const WIDTH: f64 = 720.0;
const LABEL_W: f64 = 250.0;
const BAR_W: f64 = 330.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 8.0;

fn height(rows: usize) -> f64 {
    TOP + ROW_H * rows as f64 + 28.0
}

/// The horizontal axis: ticks at 0, 25, 50, 75 and 100 % of `max`, labelled with `unit`.
fn axis(rows: usize, max: f64, unit: &'static str) -> impl IntoView {
    let y = TOP + ROW_H * rows as f64;
    (0..=4)
        .map(|k| {
            let x = LABEL_W + BAR_W * f64::from(k) / 4.0;
            let value = max * f64::from(k) / 4.0;
            view! {
                <line class="tick" x1=x y1=TOP x2=x y2=y + 4.0/>
                <text class="tick-label" x=x y=y + 18.0 text-anchor="middle">{format!("{value:.0}{unit}")}</text>
            }
        })
        .collect_view()
}

/// A horizontal bar chart of `bars` on a scale from 0 to `max`.
#[component]
pub fn BarChart(
    /// Unique on the page: the ids of the title and description derive from it.
    id: String,
    title: String,
    /// One sentence with what the chart shows and its main finding.
    desc: String,
    bars: Vec<Bar>,
    max: f64,
    unit: &'static str,
) -> impl IntoView {
    let rows = bars.len();
    let h = height(rows);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let drawn = bars
        .into_iter()
        .enumerate()
        .map(|(k, bar)| {
            let y = TOP + ROW_H * k as f64;
            let len = bar.value.map_or(0.0, |v| BAR_W * (v / max).clamp(0.0, 1.0));
            view! {
                <text class="label" x=LABEL_W - 8.0 y=y + 17.0 text-anchor="end">{bar.label}</text>
                {bar.value.map(|_| view! {
                    <rect class="bar" x=LABEL_W y=y + 4.0 width=len height=ROW_H - 8.0/>
                })}
                <text class="value" x=LABEL_W + len + 6.0 y=y + 17.0>{bar.text}</text>
            }
        })
        .collect_view();
    let region = format!("Chart: {title}");
    view! {
        // On a narrow screen the chart keeps a readable size and scrolls in its own region.
        <div class="chart-scroll" tabindex="0" role="region" aria-label=region>
            <svg class="chart" role="img" aria-labelledby=labelled_by
                viewBox=format!("0 0 {WIDTH} {h}") width="100%" preserveAspectRatio="xMinYMin meet">
                <title id=title_id>{title}</title>
                <desc id=desc_id>{desc}</desc>
                {axis(rows, max, unit)}
                {drawn}
            </svg>
        </div>
    }
}

/// One row of a stacked chart: three shares in percent (below, near, above the standard), or
/// `None` when the row has too few candidates to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub label: String,
    pub shares: Option<(f64, f64, f64)>,
}

/// A stacked bar per row: the share of candidates below, near and above the standard, each
/// part labelled in the text at the row's end.
#[component]
pub fn BandChart(id: String, title: String, desc: String, rows: Vec<Stack>) -> impl IntoView {
    let n = rows.len();
    let h = height(n);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let drawn = rows
        .into_iter()
        .enumerate()
        .map(|(k, row)| {
            let y = TOP + ROW_H * k as f64;
            let parts = row.shares.map(|(below, near, above)| {
                let w = |p: f64| BAR_W * p / 100.0;
                let text = format!("{below:.0}% below · {near:.0}% near · {above:.0}% above");
                view! {
                    <rect class="band-below" x=LABEL_W y=y + 4.0 width=w(below) height=ROW_H - 8.0/>
                    <rect class="band-near" x=LABEL_W + w(below) y=y + 4.0 width=w(near) height=ROW_H - 8.0/>
                    <rect class="band-above" x=LABEL_W + w(below) + w(near) y=y + 4.0 width=w(above) height=ROW_H - 8.0/>
                    <text class="value" x=LABEL_W + BAR_W + 6.0 y=y + 17.0>{text}</text>
                }
            });
            let empty = row.shares.is_none().then(|| view! {
                <text class="value" x=LABEL_W + 6.0 y=y + 17.0>"too few candidates to show"</text>
            });
            view! {
                <text class="label" x=LABEL_W - 8.0 y=y + 17.0 text-anchor="end">{row.label}</text>
                {parts}
                {empty}
            }
        })
        .collect_view();
    let region = format!("Chart: {title}");
    view! {
        <div class="chart-scroll" tabindex="0" role="region" aria-label=region>
            <svg class="chart wide" role="img" aria-labelledby=labelled_by
                viewBox=format!("0 0 {} {h}", WIDTH + 260.0) width="100%" preserveAspectRatio="xMinYMin meet">
                <title id=title_id>{title}</title>
                <desc id=desc_id>{desc}</desc>
                {axis(n, 100.0, "%")}
                {drawn}
            </svg>
        </div>
    }
}
