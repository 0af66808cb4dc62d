//! objects.csv, tiers.csv, fields.csv

use super::{CsvError, Located, Table, W};
use crate::model::{Change, Entity, Field, FieldId, ObjectDef, ObjectId, Snapshot, Tier};

pub fn objects(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&["id", "name_zh", "name_en"])?;
    t.rows()
        .map(|r| {
            let o = ObjectDef {
                id: r.parse("id")?,
                name_zh: r.required("name_zh")?,
                name_en: r.required("name_en")?,
            };
            Ok(Located::new(&r, Change::put(Entity::Object(o))))
        })
        .collect()
}

pub fn tiers(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&["id", "rank", "name_zh", "name_en"])?;
    t.rows()
        .map(|r| {
            let tier = Tier {
                id: r.parse("id")?,
                rank: r.number("rank")?,
                name_zh: r.required("name_zh")?,
                name_en: r.required("name_en")?,
            };
            Ok(Located::new(&r, Change::put(Entity::Tier(tier))))
        })
        .collect()
}

pub fn fields(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&[
        "object",
        "key",
        "label_zh",
        "label_en",
        "type",
        "sensitivity",
        "mask",
        "category",
    ])?;
    t.rows()
        .map(|r| {
            let object: ObjectId = r.parse("object")?;
            let key = r.text("key");
            let id = FieldId::of(&object, key).map_err(|e| r.err("key", e.to_string()))?;
            let f = Field {
                id,
                object,
                label_zh: r.required("label_zh")?,
                label_en: r.required("label_en")?,
                field_type: r.parse("type")?,
                sensitivity: r.parse("sensitivity")?,
                mask: r.parse("mask")?,
                category: r.parse("category")?,
            };
            Ok(Located::new(&r, Change::put(Entity::Field(f))))
        })
        .collect()
}

pub fn export_objects(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record(["id", "name_zh", "name_en"])?;
    for o in s.objects.values() {
        w.write_record([o.id.as_str(), &o.name_zh, &o.name_en])?;
    }
    Ok(())
}

pub fn export_tiers(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record(["id", "rank", "name_zh", "name_en"])?;
    for t in s.tiers.values() {
        w.write_record([t.id.as_str(), &t.rank.to_string(), &t.name_zh, &t.name_en])?;
    }
    Ok(())
}

pub fn export_fields(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record([
        "object",
        "key",
        "label_zh",
        "label_en",
        "type",
        "sensitivity",
        "mask",
        "category",
    ])?;
    for f in s.fields.values() {
        w.write_record([
            f.object.as_str(),
            f.key(),
            &f.label_zh,
            &f.label_en,
            f.field_type.as_str(),
            f.sensitivity.as_str(),
            f.mask.as_str(),
            f.category.as_str(),
        ])?;
    }
    Ok(())
}
