//! Pass rates and competency performance for program staff: charts drawn on the server, each
//! followed by its data table and a CSV download of the same figures. Small groups show no
//! figures (see `engine::reporting`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::charts::{BandChart, Bar, BarChart, Stack};
use super::layout::{ErrorBox, Header};
use crate::dto::{BandRow, Figures, GroupTable, ProgramStats};

#[server]
pub async fn load_statistics(
    exam: String,
    from: String,
    to: String,
) -> Result<ProgramStats, ServerFnError> {
    use crate::server::statistics;
    let (app, user) = super::layout::ssr::signed_in().await?;
    let load = async {
        crate::server::users::require_staff(&user, "see program statistics")?;
        let period = statistics::parse_period(&from, &to)?;
        statistics::program_stats(&app.db, &exam, period).await
    };
    load.await
        .map_err(|e: crate::server::error::AppError| e.into_server_fn_error())
}

#[component]
pub fn StaffStatisticsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let data = Resource::new(
        move || (get("exam"), get("from"), get("to")),
        |(e, f, t)| load_statistics(e, f, t),
    );
    view! {
        <Title text="Pass rates and competency performance · Certamen"/>
        <Header signed_in=true/>
        <main id="main" class="page wide">
            <h1>"Pass rates and competency performance"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <StatisticsView data=d/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn pct(v: f64) -> String {
    format!("{v:.1}%")
}

fn one(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
}

/// The query string that keeps the page's filters, for CSV links.
fn filters(d: &ProgramStats) -> String {
    let enc = super::layout::encode_query;
    format!(
        "exam={}&from={}&to={}",
        enc(&d.exam_id),
        enc(&d.from),
        enc(&d.to)
    )
}

#[component]
fn StatisticsView(data: ProgramStats) -> impl IntoView {
    let query = filters(&data);
    let summary = match &data.overall {
        Some(f) => format!(
            "{} counted attempts; {} passed ({}).{}{}",
            f.attempts,
            f.passed,
            pct(f.pass_rate),
            f.mean_percent
                .map(|m| format!(" Mean score {m:.1}% correct."))
                .unwrap_or_default(),
            f.mean_scaled
                .map(|m| format!(" Mean scaled score {m:.0}."))
                .unwrap_or_default()
        ),
        None => format!(
            "Fewer than {} counted attempts in this period: no figures are shown.",
            data.min_group
        ),
    };
    let month = data.tables.iter().find(|t| t.id == "month").cloned();
    let (has_percent, has_scaled, min) = (data.has_percent, data.has_scaled, data.min_group);
    view! {
        <form method="get" action="/staff/statistics" class="filters">
            <label for="exam">"Exam"</label>
            <select id="exam" name="exam">
                {data.exams.iter().map(|(id, title)| view! {
                    <option value=id.clone() selected=*id == data.exam_id>{title.clone()}</option>
                }).collect_view()}
            </select>
            <label for="from">"Submitted from"</label>
            <input id="from" name="from" type="date" value=data.from.clone()/>
            <label for="to">"to"</label>
            <input id="to" name="to" type="date" value=data.to.clone()/>
            <button type="submit">"Show"</button>
        </form>
        <p>{format!(
            "Counted: real attempts submitted {} and not invalidated. A group of fewer than {} attempts (or candidates) shows no figures, and where one such group could be worked out from the others, the next smallest is hidden too.",
            period_text(&data.from, &data.to), data.min_group)}</p>
        {(data.simulated > 0).then(|| view! {
            <p class="notice warning">{format!(
                "{} of these {} attempts are simulated (made by certamen demo seed-results), not real candidates.",
                data.simulated, data.attempts)}</p>
        })}
        <p class="result">{summary}</p>
        {month.map(|m| view! { <MeanOverTime table=m has_percent=has_percent has_scaled=has_scaled/> })}
        {data.tables.iter().cloned().map(|t| view! {
            <GroupSection table=t query=query.clone() has_percent=has_percent has_scaled=has_scaled min=min/>
        }).collect_view()}
        <BandSection id="competencies" title="Performance by competency" rows=data.competencies.clone()
            candidates=data.candidates min=min query=query.clone()/>
        <BandSection id="areas" title="Performance by content area" rows=data.areas.clone()
            candidates=data.candidates min=min query=query/>
    }
}

fn period_text(from: &str, to: &str) -> String {
    match (from.is_empty(), to.is_empty()) {
        (true, true) => "at any time".into(),
        (false, true) => format!("from {from}"),
        (true, false) => format!("up to {to}"),
        (false, false) => format!("from {from} to {to}"),
    }
}

/// The highest and lowest shown pass rates, for a chart's description.
fn finding(t: &GroupTable) -> String {
    let shown: Vec<(&str, &Figures)> = t
        .rows
        .iter()
        .filter_map(|r| Some((r.label.as_str(), r.figures.as_ref()?)))
        .collect();
    let hidden = t.rows.len() - shown.len();
    let cmp =
        |a: &&(&str, &Figures), b: &&(&str, &Figures)| a.1.pass_rate.total_cmp(&b.1.pass_rate);
    let range = match (shown.iter().max_by(cmp), shown.iter().min_by(cmp)) {
        (Some(hi), Some(lo)) if shown.len() > 1 => format!(
            "Highest {} at {}, lowest {} at {}.",
            hi.0,
            pct(hi.1.pass_rate),
            lo.0,
            pct(lo.1.pass_rate)
        ),
        (Some(one), _) => format!("{}: {}.", one.0, pct(one.1.pass_rate)),
        _ => "No group is large enough to show.".into(),
    };
    if hidden > 0 {
        format!("{range} {hidden} small groups are not shown.")
    } else {
        range
    }
}

#[component]
fn GroupSection(
    table: GroupTable,
    query: String,
    has_percent: bool,
    has_scaled: bool,
    min: u32,
) -> impl IntoView {
    let id = table.id.clone();
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .map(|r| Bar {
            label: r.label.clone(),
            value: r.figures.as_ref().map(|f| f.pass_rate),
            text: match &r.figures {
                Some(f) => format!("{} ({} attempts)", pct(f.pass_rate), f.attempts),
                None => "not shown: small group".into(),
            },
        })
        .collect();
    let desc = format!(
        "Pass rate {}. {}",
        table.title.to_lowercase(),
        finding(&table)
    );
    let caption = format!("Pass rate and mean score {}", table.title.to_lowercase());
    let csv = format!("/staff/statistics/csv/{id}?{query}");
    view! {
        <section aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{format!("Pass rate {}", table.title.to_lowercase())}</h2>
            <figure>
                <BarChart id=format!("{id}-chart") title=format!("Pass rate {}", table.title.to_lowercase())
                    desc=desc bars=bars max=100.0 unit="%"/>
            </figure>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby=format!("{id}-caption")>
                <table>
                    <caption id=format!("{id}-caption")>{caption}</caption>
                    <thead><tr>
                        <th scope="col">{table.group.clone()}</th>
                        <th scope="col">"Attempts"</th><th scope="col">"Passed"</th><th scope="col">"Pass rate"</th>
                        {has_percent.then(|| view! { <th scope="col">"Mean percent correct"</th> })}
                        {has_scaled.then(|| view! { <th scope="col">"Mean scaled score"</th> })}
                    </tr></thead>
                    <tbody>
                        {table.rows.iter().map(|r| match &r.figures {
                            Some(f) => view! {
                                <tr>
                                    <th scope="row">{r.label.clone()}</th>
                                    <td>{f.attempts}</td><td>{f.passed}</td><td>{pct(f.pass_rate)}</td>
                                    {has_percent.then(|| view! { <td>{one(f.mean_percent)}</td> })}
                                    {has_scaled.then(|| view! { <td>{one(f.mean_scaled)}</td> })}
                                </tr>
                            }.into_any(),
                            None => view! {
                                <tr>
                                    <th scope="row">{r.label.clone()}</th>
                                    <td colspan=3 + u32::from(has_percent) + u32::from(has_scaled)>
                                        {format!("Not shown: fewer than {min} attempts, or needed to protect a smaller group")}
                                    </td>
                                </tr>
                            }.into_any(),
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=csv download=format!("{id}.csv")>{format!("Download this table as CSV ({})", table.title.to_lowercase())}</a></p>
        </section>
    }
}

/// The mean score by month, on the exam's own scale (percent correct or scaled score).
#[component]
fn MeanOverTime(table: GroupTable, has_percent: bool, has_scaled: bool) -> impl IntoView {
    type Pick = fn(&Figures) -> Option<f64>;
    let (unit_name, max, unit, pick): (&str, f64, &'static str, Pick) =
        if has_scaled && !has_percent {
            ("Mean scaled score", 800.0, "", |f| f.mean_scaled)
        } else {
            ("Mean percent correct", 100.0, "%", |f| f.mean_percent)
        };
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .map(|r| {
            let v = r.figures.as_ref().and_then(pick);
            Bar {
                label: r.label.clone(),
                value: v,
                text: v.map_or("not shown: small group".into(), |v| format!("{v:.1}{unit}")),
            }
        })
        .collect();
    let desc = format!(
        "{unit_name} of the counted attempts in each month; the same figures are in the table under the pass-rate chart by month."
    );
    view! {
        <section aria-labelledby="mean-heading">
            <h2 id="mean-heading">{format!("{unit_name} by month submitted")}</h2>
            <figure>
                <BarChart id="mean-chart".to_string() title=format!("{unit_name} by month submitted")
                    desc=desc bars=bars max=max unit=unit/>
            </figure>
        </section>
    }
}

#[component]
fn BandSection(
    id: &'static str,
    title: &'static str,
    rows: Vec<BandRow>,
    candidates: u32,
    min: u32,
    query: String,
) -> impl IntoView {
    let stacks: Vec<Stack> = rows
        .iter()
        .map(|r| Stack {
            // A competency by its id (its name is in the table below); an area by its name.
            label: if r.area.is_empty() {
                r.name.clone()
            } else {
                r.id.clone()
            },
            shares: r.counts.map(|c| c.percents()),
        })
        .collect();
    let weakest = rows
        .iter()
        .filter_map(|r| Some((r, r.counts?.percents().0)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, below)| {
            format!(
                "Most candidates below the standard: {} ({below:.0}%).",
                r.name
            )
        })
        .unwrap_or_else(|| "Too few candidates to show.".into());
    let desc = format!(
        "{title}: the share of candidates below, near and above the passing standard, each counted once by their latest attempt. {weakest}"
    );
    let is_competency = id == "competencies";
    let csv = format!("/staff/statistics/csv/{id}?{query}");
    view! {
        <section aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{title}</h2>
            <p>{format!(
                "{candidates} candidates, each counted once by their latest attempt in the period. Below, near or above: the candidate's result in that part against the passing standard, within one standard error counting as near."
            )}</p>
            <figure>
                <BandChart id=format!("{id}-chart") title=title.to_string() desc=desc rows=stacks/>
            </figure>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby=format!("{id}-caption")>
                <table>
                    <caption id=format!("{id}-caption")>{format!("{title}: candidates below, near and above the standard")}</caption>
                    <thead><tr>
                        <th scope="col">{if is_competency { "Competency" } else { "Content area" }}</th>
                        {is_competency.then(|| view! { <th scope="col">"Content area"</th> })}
                        <th scope="col">"Candidates"</th><th scope="col">"Below"</th><th scope="col">"Near"</th><th scope="col">"Above"</th>
                    </tr></thead>
                    <tbody>
                        {rows.iter().map(|r| {
                            let cells = match r.counts {
                                Some(c) => {
                                    let (b, n, a) = c.percents();
                                    view! {
                                        <td>{c.total()}</td>
                                        <td>{format!("{} ({})", c.below, pct(b))}</td>
                                        <td>{format!("{} ({})", c.near, pct(n))}</td>
                                        <td>{format!("{} ({})", c.above, pct(a))}</td>
                                    }.into_any()
                                }
                                None => view! {
                                    <td colspan="4">{format!("Not shown: fewer than {min} candidates")}</td>
                                }.into_any(),
                            };
                            view! {
                                <tr>
                                    <th scope="row">{if is_competency { format!("{} {}", r.id, r.name) } else { r.name.clone() }}</th>
                                    {is_competency.then(|| view! { <td>{r.area.clone()}</td> })}
                                    {cells}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=csv download=format!("{id}.csv")>{format!("Download this table as CSV ({})", title.to_lowercase())}</a></p>
        </section>
    }
}
