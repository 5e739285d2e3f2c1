//! Hidden developer commands (`council dev …`): scripted secretary and member actions that the
//! crash and concurrency tests run as real writer processes. They go through the same store
//! calls as the screens, one transaction per change.

use std::io::Write;
use std::time::Duration;

use color_eyre::eyre::{Result, bail, eyre};

use std::path::Path;

use crate::store::{Actor, ProductStatus, SessionData, Store, StoreError};

/// How long to wait before retrying after the busy timeout ran out.
const RETRY_PAUSE: Duration = Duration::from_millis(20);
/// Retries of one change before giving up (each after a whole busy timeout).
const MAX_RETRIES: u32 = 50;

/// Runs `f` until it does not fail with a locked database (at most [`MAX_RETRIES`] more
/// times); counts the retries.
fn retrying<T>(retries: &mut u64, mut f: impl FnMut() -> Result<T, StoreError>) -> Result<T> {
    let mut attempts = 0;
    loop {
        match f() {
            Err(StoreError::Locked(_)) if attempts < MAX_RETRIES => {
                attempts += 1;
                *retries += 1;
                std::thread::sleep(RETRY_PAUSE);
            }
            other => return Ok(other?),
        }
    }
}

fn session_data(
    db: &Path,
    retries: &mut u64,
    session: Option<&str>,
) -> Result<(Store, SessionData)> {
    let store = retrying(retries, || Store::open(db))?;
    let summary = store.find_session(session)?;
    let data = store.load_session(summary.id)?;
    Ok((store, data))
}

pub fn open_all(db: &Path, session: Option<&str>) -> Result<()> {
    let mut retries = 0;
    let (mut store, mut data) = session_data(db, &mut retries, session)?;
    for seat in data.members.iter().map(|m| m.seat).collect::<Vec<_>>() {
        retrying(&mut retries, || store.set_attendance(&data, seat, true))?;
    }
    data = store.load_session(data.info.id)?;
    let mut opened = 0;
    for product in data
        .products
        .iter()
        .filter(|p| p.status == ProductStatus::Waiting)
    {
        // Acting as the secretary, the tool scores set 26 products in case 1.
        if product.case_number.is_none() && crate::meeting::rubric_cases(&product.rubric) > 0 {
            retrying(&mut retries, || store.choose_case(&data, product, 1))?;
        }
        retrying(&mut retries, || store.open_product(&data, product))?;
        opened += 1;
    }
    println!(
        "{} members present, {opened} products opened in session {}",
        data.members.len(),
        data.info.code
    );
    Ok(())
}

pub fn close_all(db: &Path, session: Option<&str>, override_reason: Option<&str>) -> Result<()> {
    let mut retries = 0;
    let (mut store, data) = session_data(db, &mut retries, session)?;
    let mut closed = 0;
    for product in data
        .products
        .iter()
        .filter(|p| p.status == ProductStatus::Scoring)
    {
        // Nothing scored: the product was opened needlessly and goes back to waiting.
        let sheets = store.sheets(&data, product.id, product.round)?;
        if sheets
            .iter()
            .all(|s| s.choices.is_empty() && s.reentry.is_empty())
        {
            retrying(&mut retries, || store.back_to_waiting(&data, product))?;
            continue;
        }
        retrying(&mut retries, || {
            store.close_product(&data, product, override_reason)
        })?;
        closed += 1;
    }
    println!("{closed} products closed in session {}", data.info.code);
    Ok(())
}

pub fn fill(
    db: &Path,
    session: Option<&str>,
    products: &[String],
    seats: &[u32],
    pass: u32,
    submit: bool,
) -> Result<()> {
    let mut retries = 0;
    let (mut store, data) = session_data(db, &mut retries, session)?;
    let chosen: Vec<_> = if products.is_empty() {
        data.products
            .iter()
            .filter(|p| p.status == ProductStatus::Scoring)
            .collect()
    } else {
        products
            .iter()
            .map(|code| {
                data.product(code)
                    .ok_or_else(|| eyre!("no product \"{code}\" in session {}", data.info.code))
            })
            .collect::<Result<_>>()?
    };
    let seats: Vec<u32> = if seats.is_empty() {
        data.members
            .iter()
            .filter(|m| m.present == Some(true) && m.scores)
            .map(|m| m.seat)
            .collect()
    } else {
        seats.to_vec()
    };
    if chosen.is_empty() || seats.is_empty() {
        bail!("nothing to fill: no product being scored or no member present");
    }
    let mut out = std::io::stdout().lock();
    for product in chosen {
        for &seat in &seats {
            for (index, (_, criterion)) in product.rubric.criteria().enumerate() {
                let allowed = crate::meeting::options_in_case(criterion, product.case_number);
                let option = allowed[(seat + pass + index as u32) as usize % allowed.len()];
                retrying(&mut retries, || {
                    store.set_choice(
                        &data,
                        product,
                        seat,
                        &criterion.id,
                        option,
                        1,
                        &Actor::Member(seat),
                    )
                })?;
                // Printed only after the commit returned: every line names a durable choice.
                writeln!(
                    out,
                    "committed {} {seat} {} {option}",
                    product.code, criterion.id
                )?;
                out.flush()?;
            }
            if submit {
                retrying(&mut retries, || {
                    store.submit_sheet(&data, product, seat, &Actor::Member(seat))
                })?;
                writeln!(out, "submitted {} {seat}", product.code)?;
                out.flush()?;
            }
        }
    }
    eprintln!("done; retried {retries} time(s) after the busy timeout");
    Ok(())
}
