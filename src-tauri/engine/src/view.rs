//! Text rendering of views for the terminal.

use permgrid::api::SimulationReport;
use permgrid::model::{Effect, Level};
use permgrid::simulate::{Comparison, FieldAccess, WhoCan};

/// Display width: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_owned();
    for _ in width(s)..w {
        out.push(' ');
    }
    out
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(c)).min(28);
            }
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c: String = if width(c) > *w {
                    c.chars().take(*w / 2).collect::<String>() + "…"
                } else {
                    c.clone()
                };
                pad(&c, *w)
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = vec![line(header)];
    out.extend(rows.iter().map(|r| line(r)));
    out.join("\n")
}

fn effect_mark(e: Effect, alert: bool) -> String {
    let m = match e {
        Effect::Allow => "yes",
        Effect::Approval => "approval",
        Effect::Deny => "no",
    };
    if alert {
        format!("{m}!")
    } else {
        m.to_owned()
    }
}

/// `sees N of M` and a table of the page.
pub fn simulation_text(r: &SimulationReport, zh: bool) -> String {
    let p = &r.page;
    let mut out = Vec::new();
    if zh {
        out.push(format!(
            "{} 可见 {} / {} 个客户（{}）",
            r.name,
            p.visible,
            p.total,
            p.at.format("%Y-%m-%d %H:%M UTC")
        ));
    } else {
        out.push(format!(
            "{} sees {} of {} customers (at {})",
            r.name,
            p.visible,
            p.total,
            p.at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    if !r.active {
        out.push(if zh {
            "非在职员工：看不到任何数据".into()
        } else {
            "not active: sees nothing".into()
        });
        return out.join("\n");
    }
    out.push(format!(
        "roles: {}",
        r.roles
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if p.rows.is_empty() {
        return out.join("\n");
    }
    let mut header = vec!["id".to_owned(), "tier".to_owned(), "owner".to_owned()];
    header.extend(p.columns.iter().map(|c| {
        if zh {
            c.label_zh.clone()
        } else {
            c.label_en.clone()
        }
    }));
    if let Some(first) = p.rows.first() {
        header.extend(first.actions.iter().map(|a| a.action.to_string()));
    }
    let rows: Vec<Vec<String>> = p
        .rows
        .iter()
        .map(|row| {
            let mut v = vec![
                row.id.to_string(),
                row.tier.to_string(),
                row.owner.to_string(),
            ];
            v.extend(row.cells.iter().map(|c| match (&c.value, c.level) {
                (None, _) => "-".to_owned(),
                (Some(v), _) => v.clone(),
            }));
            v.extend(row.actions.iter().map(|a| effect_mark(a.effect, a.alert)));
            v
        })
        .collect();
    out.push(String::new());
    out.push(table(&header, &rows));
    if (p.visible as usize) > p.offset as usize + p.rows.len() {
        out.push(format!(
            "… {} more rows (use --offset/--limit, or --format csv)",
            p.visible as usize - p.offset as usize - p.rows.len()
        ));
    }
    out.push("(- hidden on that row; ! raises a sensitive-operation alert)".into());
    out.join("\n")
}

pub fn who_can_text(w: &WhoCan) -> String {
    let mut out = vec![format!(
        "{} of {} active employees can see {} at {} or more{}",
        w.entries.len(),
        w.considered,
        w.field,
        w.min_level,
        w.tier
            .as_ref()
            .map(|t| format!(" on {t} customers"))
            .unwrap_or_default()
    )];
    let rows: Vec<Vec<String>> = w
        .entries
        .iter()
        .map(|e| {
            vec![
                e.employee.to_string(),
                e.name.clone(),
                e.department.to_string(),
                e.level.to_string(),
                e.roles
                    .iter()
                    .map(|(r, s)| format!("{r} ({s})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                e.tiers
                    .iter()
                    .map(|t| format!("{}={}", t.tier, t.level))
                    .collect::<Vec<_>>()
                    .join(" "),
                e.capped_by
                    .iter()
                    .map(|g| g.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    let header: Vec<String> = [
        "employee",
        "name",
        "department",
        "level",
        "because of",
        "per tier",
        "capped by",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    out.push(table(&header, &rows));
    out.join("\n")
}

pub fn sees_text(fields: &[FieldAccess]) -> String {
    let rows: Vec<Vec<String>> = fields
        .iter()
        .map(|f| {
            vec![
                f.field.to_string(),
                f.label_en.clone(),
                f.sensitivity.to_string(),
                f.level.to_string(),
                f.tiers
                    .iter()
                    .map(|t| format!("{}={}", t.tier, t.level))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    let header: Vec<String> = ["field", "label", "sensitivity", "best", "per tier"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let visible = fields.iter().filter(|f| f.level > Level::Hidden).count();
    format!(
        "{visible} of {} fields visible on some tier\n{}",
        fields.len(),
        table(&header, &rows)
    )
}

pub fn compare_text(c: &Comparison, a: &str, b: &str, zh: bool) -> String {
    let mut out = vec![
        format!("A = {a}: sees {} of {} customers", c.a_visible, c.total),
        format!("B = {b}: sees {} of {} customers", c.b_visible, c.total),
        format!(
            "both see {}; only A {}; only B {}; {} cells differ on customers both see",
            c.both, c.only_a_count, c.only_b_count, c.cells_differing
        ),
    ];
    if !c.only_a.is_empty() {
        out.push(format!(
            "only A, e.g.: {}",
            c.only_a
                .iter()
                .take(10)
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    if !c.only_b.is_empty() {
        out.push(format!(
            "only B, e.g.: {}",
            c.only_b
                .iter()
                .take(10)
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    for f in &c.fields {
        out.push(String::new());
        out.push(format!(
            "{} ({}): A higher on {}, B higher on {}",
            f.field,
            if zh { &f.label_zh } else { &f.label_en },
            f.a_higher,
            f.b_higher
        ));
        if let Some(ex) = &f.example {
            out.push(format!(
                "  e.g. {}: A {} `{}`, B {} `{}`",
                ex.customer,
                ex.a.level,
                ex.a.value.as_deref().unwrap_or("-"),
                ex.b.level,
                ex.b.value.as_deref().unwrap_or("-")
            ));
            let why = if zh { &ex.why_zh } else { &ex.why_en };
            for (side, lines) in ["A", "B"].iter().zip(why) {
                for l in lines.iter().skip(1) {
                    out.push(format!("    {side}: {l}"));
                }
            }
        }
    }
    for d in &c.actions {
        let ex = d
            .example
            .as_ref()
            .map(|(id, ea, eb)| format!(" (e.g. {id}: A {ea}, B {eb})"))
            .unwrap_or_default();
        out.push(format!(
            "action {}: differs on {} customers{ex}",
            d.action, d.differing
        ));
    }
    out.join("\n")
}
