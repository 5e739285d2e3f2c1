//! The secretary's meeting actions as commands, so a meeting can be scripted, recovered and
//! tested without the screen, with the same rules and refusals as the workbench.

use clap::{Args, Subcommand};
use color_eyre::eyre::Result;

use super::Global;
use crate::i18n::{Done, done};
use crate::meeting::knockout_conditions;
use crate::store::{SessionData, Store};

#[derive(Args, Debug)]
pub struct AttendArgs {
    /// Seats to mark (or --all)
    #[arg(value_name = "SEAT", required_unless_present = "all")]
    pub seats: Vec<u32>,
    /// Every member of the council
    #[arg(long, conflicts_with = "seats")]
    pub all: bool,
    /// Mark absent instead of present
    #[arg(long)]
    pub absent: bool,
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ProductCmd {
    /// Open a waiting product for scoring (quorum in the room; one product open at a time)
    Open {
        code: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// Close a product once every present scoring member has submitted
    Close {
        code: String,
        /// Close without every sheet; the reason goes into the minutes
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        #[arg(long)]
        session: Option<String>,
    },
    /// Put a product opened by mistake back to waiting (nothing scored yet)
    Waiting {
        code: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// Start a new round of a closed product (for example after a spread breach)
    Round {
        code: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// The knock-out conditions of a product's criteria set, numbered for `knockout`
    Conditions {
        code: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// Knock a product out on condition N of its criteria set
    Knockout {
        code: String,
        #[arg(long, value_name = "N")]
        condition: u32,
        #[arg(long)]
        reason: String,
        /// The seat of the member who proposed it
        #[arg(long, value_name = "SEAT")]
        proposed_by: Option<u32>,
        #[arg(long)]
        session: Option<String>,
    },
    /// Choose the alternative case ("Trường hợp N") a product of set 26 is scored in
    Case {
        code: String,
        case: u32,
        #[arg(long)]
        session: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct RecuseArgs {
    pub code: String,
    pub seat: u32,
    #[arg(long, required_unless_present = "withdraw")]
    pub reason: Option<String>,
    /// Withdraw a recusal made by mistake (before the member scored)
    #[arg(long)]
    pub withdraw: bool,
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SheetCmd {
    /// Reopen one submitted sheet for a correction; the reason goes into the minutes
    Reopen {
        code: String,
        seat: u32,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        session: Option<String>,
    },
}

fn session(g: &Global, code: Option<&str>) -> Result<(Store, SessionData)> {
    let mut store = g.open_store()?;
    store.set_operator(std::env::var("USER").ok());
    let id = store.find_session(code)?.id;
    let data = store.load_session(id)?;
    Ok((store, data))
}

fn product<'a>(data: &'a SessionData, code: &str) -> Result<&'a crate::store::ProductRow> {
    data.product(code).ok_or_else(|| {
        crate::store::StoreError::Rule(crate::meeting::Refusal::UnknownProduct {
            code: code.to_string(),
        })
        .into()
    })
}

pub fn attend(g: &Global, a: &AttendArgs) -> Result<()> {
    let (mut store, data) = session(g, a.session.as_deref())?;
    let present = !a.absent;
    if a.all {
        store.set_attendance_all(&data, present)?;
    } else {
        for &seat in &a.seats {
            store.set_attendance(&data, seat, present)?;
        }
    }
    let data = store.load_session(data.info.id)?;
    let q = data.quorum();
    println!(
        "{}",
        done(
            g.lang(),
            &Done::Attendance {
                present: q.present,
                total: q.total,
                needed: q.needed,
                reached: q.reached,
            }
        )
    );
    Ok(())
}

pub fn product_cmd(g: &Global, cmd: &ProductCmd) -> Result<()> {
    let lang = g.lang();
    match cmd {
        ProductCmd::Open { code, session: s } => {
            let (mut store, data) = session(g, s.as_deref())?;
            store.open_product(&data, product(&data, code)?)?;
            println!("{}", done(lang, &Done::Opened { code: code.clone() }));
        }
        ProductCmd::Close {
            code,
            override_reason,
            session: s,
        } => {
            let (mut store, data) = session(g, s.as_deref())?;
            store.close_product(&data, product(&data, code)?, override_reason.as_deref())?;
            println!("{}", done(lang, &Done::Closed { code: code.clone() }));
        }
        ProductCmd::Waiting { code, session: s } => {
            let (mut store, data) = session(g, s.as_deref())?;
            store.back_to_waiting(&data, product(&data, code)?)?;
            println!(
                "{}",
                done(lang, &Done::BackToWaiting { code: code.clone() })
            );
        }
        ProductCmd::Round {
            code,
            reason,
            session: s,
        } => {
            let (mut store, data) = session(g, s.as_deref())?;
            let round = store.new_round(&data, product(&data, code)?, reason)?;
            println!(
                "{}",
                done(
                    lang,
                    &Done::NewRound {
                        code: code.clone(),
                        round
                    }
                )
            );
        }
        ProductCmd::Conditions { code, session: s } => {
            let (_, data) = session(g, s.as_deref())?;
            for c in knockout_conditions(&product(&data, code)?.rubric) {
                println!("{:>3}  {}", c.number, c.text);
            }
        }
        ProductCmd::Knockout {
            code,
            condition,
            reason,
            proposed_by,
            session: s,
        } => {
            let (mut store, data) = session(g, s.as_deref())?;
            store.knock_out(
                &data,
                product(&data, code)?,
                *condition,
                reason,
                *proposed_by,
            )?;
            println!("{}", done(lang, &Done::KnockedOut { code: code.clone() }));
        }
        ProductCmd::Case {
            code,
            case,
            session: s,
        } => {
            let (mut store, data) = session(g, s.as_deref())?;
            store.choose_case(&data, product(&data, code)?, *case)?;
            println!(
                "{}",
                done(
                    lang,
                    &Done::Case {
                        code: code.clone(),
                        case: *case
                    }
                )
            );
        }
    }
    Ok(())
}

pub fn recuse(g: &Global, a: &RecuseArgs) -> Result<()> {
    let (mut store, data) = session(g, a.session.as_deref())?;
    let p = product(&data, &a.code)?;
    if a.withdraw {
        store.withdraw_recusal(&data, p, a.seat)?;
    } else {
        store.recuse(&data, p, a.seat, a.reason.as_deref().unwrap_or(""))?;
    }
    println!(
        "{}",
        done(
            g.lang(),
            &Done::Recusal {
                code: a.code.clone(),
                seat: a.seat,
                withdrawn: a.withdraw,
            }
        )
    );
    Ok(())
}

pub fn sheet_cmd(g: &Global, cmd: &SheetCmd) -> Result<()> {
    match cmd {
        SheetCmd::Reopen {
            code,
            seat,
            reason,
            session: s,
        } => {
            let (mut store, data) = session(g, s.as_deref())?;
            store.reopen_sheet(&data, product(&data, code)?, *seat, reason)?;
            println!(
                "{}",
                done(
                    g.lang(),
                    &Done::SheetReopened {
                        code: code.clone(),
                        seat: *seat
                    }
                )
            );
        }
    }
    Ok(())
}
