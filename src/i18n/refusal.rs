//! The meeting rules' refusals and the database's file problems, in Vietnamese and English.
//! One match per language, so the compiler makes sure every refusal has both.

use super::Lang;
use crate::meeting::access::Place;
use crate::meeting::{Checkpoint, Holder, Move, ProductStatus, ReasonFor, Refusal, TextField};
use crate::session::Role;

fn seats(list: &[u32]) -> String {
    list.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn place_vi(p: Place) -> String {
    match p {
        Place::Seat(seat) => format!("ghế {seat}"),
        Place::Display => "màn hình chiếu".into(),
    }
}

pub fn place_en(p: Place) -> String {
    match p {
        Place::Seat(seat) => format!("seat {seat}"),
        Place::Display => "the room display".into(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub fn status_vi(s: ProductStatus) -> &'static str {
    match s {
        ProductStatus::Waiting => "đang chờ",
        ProductStatus::Scoring => "đang chấm",
        ProductStatus::Closed => "đã đóng",
        ProductStatus::KnockedOut => "đã bị loại",
    }
}

pub fn status_en(s: ProductStatus) -> &'static str {
    match s {
        ProductStatus::Waiting => "waiting",
        ProductStatus::Scoring => "being scored",
        ProductStatus::Closed => "closed",
        ProductStatus::KnockedOut => "knocked out",
    }
}

pub fn role_vi(r: Role) -> &'static str {
    match r {
        Role::Chair => "chủ tịch",
        Role::ViceChair => "phó chủ tịch",
        Role::Member => "thành viên",
        Role::Secretary => "thư ký",
        Role::Expert => "chuyên gia mời",
        Role::Observer => "quan sát viên",
    }
}

pub fn role_en(r: Role) -> &'static str {
    match r {
        Role::Chair => "chair",
        Role::ViceChair => "vice chair",
        Role::Member => "member",
        Role::Secretary => "secretary",
        Role::Expert => "invited expert",
        Role::Observer => "observer",
    }
}

fn move_vi(m: Move) -> &'static str {
    match m {
        Move::Open => "mở chấm",
        Move::Close => "đóng",
        Move::BackToWaiting => "trả về hàng chờ",
        Move::NewRound => "chấm lại (vòng mới)",
        Move::KnockOut => "loại",
    }
}

fn move_en(m: Move) -> &'static str {
    match m {
        Move::Open => "open it for scoring",
        Move::Close => "close it",
        Move::BackToWaiting => "put it back to waiting",
        Move::NewRound => "start a new round",
        Move::KnockOut => "knock it out",
    }
}

fn checkpoint_vi(c: Checkpoint) -> &'static str {
    match c {
        Checkpoint::Open => "khi mở chấm",
        Checkpoint::Close => "khi đóng",
        Checkpoint::Import => "khi nhập phiếu",
        Checkpoint::KnockOut => "khi quyết định loại",
        Checkpoint::Finalise => "khi hoàn tất phiên",
    }
}

fn checkpoint_en(c: Checkpoint) -> &'static str {
    match c {
        Checkpoint::Open => "to open",
        Checkpoint::Close => "to close",
        Checkpoint::Import => "to import",
        Checkpoint::KnockOut => "to knock out",
        Checkpoint::Finalise => "to finalise",
    }
}

fn reason_vi(r: ReasonFor) -> &'static str {
    match r {
        ReasonFor::NewRound => "Chấm lại cần nêu lý do",
        ReasonFor::CloseOverride => "Đóng khi chưa đủ phiếu cần nêu lý do",
        ReasonFor::KnockOut => "Quyết định loại cần nêu lý do",
        ReasonFor::Recusal => "Rút khỏi đánh giá cần nêu lý do",
        ReasonFor::SheetReopen => "Mở lại phiếu để sửa cần nêu lý do",
        ReasonFor::SessionReopen => "Mở lại phiên đã hoàn tất cần nêu lý do",
    }
}

fn reason_en(r: ReasonFor) -> &'static str {
    match r {
        ReasonFor::NewRound => "A new round needs a reason",
        ReasonFor::CloseOverride => "Closing without every sheet needs a reason",
        ReasonFor::KnockOut => "A knock-out needs its reason",
        ReasonFor::Recusal => "A recusal needs a reason",
        ReasonFor::SheetReopen => "Reopening a sheet for a correction needs a reason",
        ReasonFor::SessionReopen => "Reopening a finalised session needs a reason",
    }
}

fn holder_vi(h: &Holder) -> String {
    match h {
        Holder::Member { seat } => format!("ghế {seat} đang tự chấm trên máy của mình"),
        Holder::Secretary { operator } if operator.is_empty() => {
            "thư ký đang nhập phiếu giấy".to_string()
        }
        Holder::Secretary { operator } => format!("{operator} (thư ký) đang nhập phiếu giấy"),
        Holder::Import => "một lần nhập tệp đang ghi".to_string(),
    }
}

fn holder_en(h: &Holder) -> String {
    match h {
        Holder::Member { seat } => format!("seat {seat} is scoring on their own terminal"),
        Holder::Secretary { operator } if operator.is_empty() => {
            "the secretary is entering the paper sheet".to_string()
        }
        Holder::Secretary { operator } => {
            format!("{operator} (secretary) is entering the paper sheet")
        }
        Holder::Import => "an import is writing it".to_string(),
    }
}

/// A refusal in `lang`.
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    match lang {
        Lang::Vi => vi(r),
        Lang::En => en(r),
    }
}

fn vi(r: &Refusal) -> String {
    use Refusal as R;
    match r {
        R::SessionFinalised => "Phiên đã hoàn tất; không thể thay đổi gì trừ khi mở lại phiên kèm lý do (`council session reopen`)".into(),
        R::SessionNotFinalised => "Phiên chưa hoàn tất".into(),
        R::QuorumNotReached { at, product, present, total, needed, quorum, chair_required, chair_present } => {
            let mut s = format!(
                "Chưa đủ điều kiện {}{}: {present}/{total} thành viên chấm điểm có mặt, cần {needed} ({quorum})",
                checkpoint_vi(*at),
                product.as_ref().map(|p| format!(" sản phẩm {p}")).unwrap_or_default(),
            );
            if *chair_required {
                s.push_str(if *chair_present { ", chủ tịch có mặt" } else { ", và chủ tịch Hội đồng phải có mặt" });
            }
            s
        }
        R::AnotherProductOpen { open } => format!("Sản phẩm {open} đang được chấm; đóng sản phẩm đó trước khi mở sản phẩm khác"),
        R::WrongStatus { product, status, attempted } => format!("Sản phẩm {product} {}; không thể {}", status_vi(*status), move_vi(*attempted)),
        R::NotOpenForScoring { product, status } => format!("Sản phẩm {product} {}, không mở để chấm", status_vi(*status)),
        R::SheetsNotSubmitted { product, seats: s } => format!("Chưa thể đóng sản phẩm {product}: ghế {} chưa nộp phiếu (đóng kèm lý do nếu Hội đồng quyết định)", seats(s)),
        R::TooFewSheets { product, counted, needed } => format!("Sản phẩm {product} chỉ có {counted} phiếu hợp lệ, cần ít nhất {needed} để xếp hạng"),
        R::AlreadyScored { product, sheets } => format!("Sản phẩm {product} đã có {sheets} phiếu được chấm; không thể trả về hàng chờ"),
        R::ReasonRequired { what } => reason_vi(*what).into(),
        R::BadText { field, character, at } => format!(
            "{} có ký tự điều khiển {character} ở ký tự thứ {at} (chỉ cho phép tab và xuống dòng)",
            match field { TextField::Reason => "Lý do", TextField::Comment => "Ý kiến" }
        ),
        R::MemberAbsent { product, seat } => format!("Ghế {seat} vắng mặt khi đánh giá sản phẩm {product}"),
        R::MemberDoesNotScore { seat, role } => format!("Ghế {seat} ({}) không chấm điểm", role_vi(*role)),
        R::MemberRecused { product, seat } => format!("Ghế {seat} đã rút khỏi đánh giá sản phẩm {product}"),
        R::RecusalAfterClose { product, status } => format!("Sản phẩm {product} {}; thành phần đánh giá đã cố định", status_vi(*status)),
        R::RecusalWithdrawAfterScoring { product, seat } => format!("Ghế {seat} đã chấm sản phẩm {product}; không thể hủy việc rút khỏi đánh giá"),
        R::NotRecused { product, seat } => format!("Ghế {seat} không rút khỏi đánh giá sản phẩm {product}"),
        R::SheetSubmitted { product, seat } => format!("Phiếu của ghế {seat} cho sản phẩm {product} đã nộp; mở lại phiếu kèm lý do để sửa"),
        R::SheetNotSubmitted { product, seat } => format!("Phiếu của ghế {seat} cho sản phẩm {product} chưa nộp"),
        R::SheetIncomplete { product, seat, missing } => format!("Phiếu của ghế {seat} cho sản phẩm {product} còn {} tiêu chí chưa chấm ({})", missing.len(), missing.join(", ")),
        R::SheetHeld { product, seat, holder } => format!("Phiếu của ghế {seat} cho sản phẩm {product} đang có người ghi: {}", holder_vi(holder)),
        R::MemberStartedSheet { product, seat } => format!("Ghế {seat} đã tự chấm sản phẩm {product} trên máy của mình; tệp nhập không được ghi đè phiếu đó"),
        R::SameOperator { product, seat, operator } => format!("{operator} đã nhập lần 1 phiếu của ghế {seat} cho sản phẩm {product}; lần nhập thứ hai phải do người khác thực hiện"),
        R::FirstEntryDone { product, seat } => format!("Phiếu giấy của ghế {seat} cho sản phẩm {product} đã nhập lần 1; hãy nhập lần 2 (phím 2)"),
        R::NoReentryToResolve { product, seat } => format!("Phiếu của ghế {seat} cho sản phẩm {product} không có chỗ lệch cần xử lý"),
        R::UnknownSeat { seat } => format!("Không có ghế {seat} trong Hội đồng"),
        R::WrongSeatCode { place, tries_left } => format!("Sai mã của {}; còn {tries_left} lần thử trước khi bị khoá", place_vi(*place)),
        R::SeatLocked { place } => format!("{} đã bị khoá sau {} lần nhập sai mã; xin thư ký mở khoá", capitalise(&place_vi(*place)), crate::meeting::access::MAX_FAILURES),
        R::SeatCodesExpired => "Phiên đã hoàn tất; mã ghế đã hết hiệu lực".into(),
        R::NotASeat { login } => format!("\"{login}\" không phải là ghế của phiên này (ví dụ: ghe4, 4 hoặc phong cho màn hình chiếu)"),
        R::UnknownProduct { code } => format!("Không có sản phẩm \"{code}\" trong phiên"),
        R::UnknownCriterion { rubric, criterion } => format!("Bộ tiêu chí {rubric} không có tiêu chí \"{criterion}\""),
        R::OptionOutOfRange { criterion, options, given } => format!("Tiêu chí {criterion} có các mức từ 1 đến {options}, không có mức {given}"),
        R::CaseNotChosen { product } => format!("Chưa chọn trường hợp áp dụng cho sản phẩm {product}; thư ký chọn trước khi chấm"),
        R::UnknownCase { product, given, cases } => format!("Sản phẩm {product} có các trường hợp 1 đến {cases}, không có trường hợp {given}"),
        R::NoCases { product } => format!("Bộ tiêu chí của sản phẩm {product} không có trường hợp lựa chọn"),
        R::OptionNotInCase { criterion, option, case } => format!("Mức {option} của tiêu chí {criterion} không thuộc trường hợp {case} đã chọn cho sản phẩm"),
        R::CaseAfterScoring { product } => format!("Sản phẩm {product} đã có phiếu chấm; không thể đổi trường hợp"),
        R::UnknownKnockoutCondition { product, given, count } => format!("Bộ tiêu chí của sản phẩm {product} có {count} điều kiện loại; không có điều kiện {given}"),
        R::ChairNameMismatch { chair } => format!("Tên nhập vào không khớp với chủ tịch Hội đồng ({chair})"),
        R::NoChair => "Hội đồng không có chủ tịch".into(),
        R::NothingSettled => "Chưa có sản phẩm nào được đánh giá xong; không thể hoàn tất phiên".into(),
        R::StillScoring { product } => format!("Sản phẩm {product} đang được chấm; đóng sản phẩm trước"),
        R::ImportAlreadyDone { file, at } => format!("{file}: tệp này đã được nhập lúc {at}; không nhập lại"),
        R::ProductExists { code } => format!("Sản phẩm \"{code}\" đã có trong phiên; không nhập gì"),
        R::SessionExists { code } => format!("Phiên \"{code}\" đã có trong cơ sở dữ liệu; không thay đổi gì"),
        R::RepeatedRow { product, seat, criterion, first_line } => format!("lặp lại sản phẩm {product} ghế {seat} tiêu chí {criterion} (đã có ở dòng {first_line})"),
        R::Row { line, refusal } => format!("dòng {line}: {}", vi(refusal)),
        R::Rows { file, rows } => rows_text(file, rows, Lang::Vi),
    }
}

fn en(r: &Refusal) -> String {
    use Refusal as R;
    match r {
        R::SessionFinalised => "The session is finalised; nothing can change unless it is reopened with a reason (`council session reopen`)".into(),
        R::SessionNotFinalised => "The session is not finalised".into(),
        R::QuorumNotReached { at, product, present, total, needed, quorum, chair_required, chair_present } => {
            let mut s = format!(
                "No quorum {}{}: {present} of {total} scoring members present, {needed} needed ({quorum})",
                checkpoint_en(*at),
                product.as_ref().map(|p| format!(" product {p}")).unwrap_or_default(),
            );
            if *chair_required {
                s.push_str(if *chair_present { ", the chair present" } else { ", and the chair must be present" });
            }
            s
        }
        R::AnotherProductOpen { open } => format!("Product {open} is being scored; close it before opening another"),
        R::WrongStatus { product, status, attempted } => format!("Product {product} is {}; cannot {}", status_en(*status), move_en(*attempted)),
        R::NotOpenForScoring { product, status } => format!("Product {product} is {}, not open for scoring", status_en(*status)),
        R::SheetsNotSubmitted { product, seats: s } => format!("Product {product} cannot close: seats {} have not submitted (close with an override reason if the council decides so)", seats(s)),
        R::TooFewSheets { product, counted, needed } => format!("Product {product} has {counted} counted sheets; at least {needed} are needed to rank it"),
        R::AlreadyScored { product, sheets } => format!("Product {product} already has {sheets} sheets scored; it cannot go back to waiting"),
        R::ReasonRequired { what } => reason_en(*what).into(),
        R::BadText { field, character, at } => format!(
            "The {} holds the control character {character} at character {at} (only tab and line break are allowed)",
            match field { TextField::Reason => "reason", TextField::Comment => "comment" }
        ),
        R::MemberAbsent { product, seat } => format!("Seat {seat} is absent for product {product}"),
        R::MemberDoesNotScore { seat, role } => format!("Seat {seat} ({}) does not score", role_en(*role)),
        R::MemberRecused { product, seat } => format!("Seat {seat} is recused from product {product}"),
        R::RecusalAfterClose { product, status } => format!("Product {product} is {}; its attendance is fixed", status_en(*status)),
        R::RecusalWithdrawAfterScoring { product, seat } => format!("Seat {seat} has scored product {product}; the recusal cannot be withdrawn"),
        R::NotRecused { product, seat } => format!("Seat {seat} is not recused from product {product}"),
        R::SheetSubmitted { product, seat } => format!("The sheet of seat {seat} for {product} is already submitted; reopen it with a reason to correct it"),
        R::SheetNotSubmitted { product, seat } => format!("The sheet of seat {seat} for {product} is not submitted"),
        R::SheetIncomplete { product, seat, missing } => format!("The sheet of seat {seat} for {product} is incomplete: {} unanswered ({})", missing.len(), missing.join(", ")),
        R::SheetHeld { product, seat, holder } => format!("The sheet of seat {seat} for {product} is being written: {}", holder_en(holder)),
        R::MemberStartedSheet { product, seat } => format!("Seat {seat} started scoring {product} on their own terminal; an import never overwrites that sheet"),
        R::SameOperator { product, seat, operator } => format!("{operator} made the first entry of seat {seat}'s sheet for {product}; the second entry must be made by someone else"),
        R::FirstEntryDone { product, seat } => format!("The paper sheet of seat {seat} for {product} has its first entry; make the second entry (key 2)"),
        R::NoReentryToResolve { product, seat } => format!("The sheet of seat {seat} for {product} has no mismatch to resolve there"),
        R::UnknownSeat { seat } => format!("There is no seat {seat} on the council"),
        R::WrongSeatCode { place, tries_left } => format!("Wrong code for {}; {tries_left} tries left before it is locked", place_en(*place)),
        R::SeatLocked { place } => format!("{} is locked after {} wrong codes; ask the secretary to unlock it", capitalise(&place_en(*place)), crate::meeting::access::MAX_FAILURES),
        R::SeatCodesExpired => "The session is finalised; its seat codes have expired".into(),
        R::NotASeat { login } => format!("\"{login}\" is not a seat of this session (for example ghe4, 4, or phong for the room display)"),
        R::UnknownProduct { code } => format!("Unknown product \"{code}\""),
        R::UnknownCriterion { rubric, criterion } => format!("Criteria set {rubric} has no criterion \"{criterion}\""),
        R::OptionOutOfRange { criterion, options, given } => format!("Criterion {criterion} has options 1 to {options}, not {given}"),
        R::CaseNotChosen { product } => format!("No case chosen for product {product}; the secretary chooses it before scoring"),
        R::UnknownCase { product, given, cases } => format!("Product {product} has cases 1 to {cases}, not {given}"),
        R::NoCases { product } => format!("The criteria set of product {product} has no alternative cases"),
        R::OptionNotInCase { criterion, option, case } => format!("Option {option} of criterion {criterion} is not in case {case}, the one chosen for the product"),
        R::CaseAfterScoring { product } => format!("Product {product} has sheets scored; its case cannot change"),
        R::UnknownKnockoutCondition { product, given, count } => format!("The criteria set of product {product} has {count} knock-out conditions; there is no condition {given}"),
        R::ChairNameMismatch { chair } => format!("The name given does not match the chair of the council ({chair})"),
        R::NoChair => "The council has no chair".into(),
        R::NothingSettled => "No product has been settled yet; the session cannot be finalised".into(),
        R::StillScoring { product } => format!("Product {product} is still being scored; close it first"),
        R::ImportAlreadyDone { file, at } => format!("{file}: this exact file was already imported at {at}; nothing was imported again"),
        R::ProductExists { code } => format!("Product \"{code}\" is already in the session; nothing was imported"),
        R::SessionExists { code } => format!("Session \"{code}\" is already in the database; nothing was changed"),
        R::RepeatedRow { product, seat, criterion, first_line } => format!("repeats product {product} seat {seat} criterion {criterion} (first on line {first_line})"),
        R::Row { line, refusal } => format!("line {line}: {}", en(refusal)),
        R::Rows { file, rows } => rows_text(file, rows, Lang::En),
    }
}

/// An import's bad rows: the first twenty, then how many more.
fn rows_text(file: &str, rows: &[Refusal], lang: Lang) -> String {
    let shown = rows.len().min(20);
    let mut msg = match lang {
        Lang::Vi => format!("{file}: {} dòng không hợp lệ; không nhập gì:", rows.len()),
        Lang::En => format!("{file}: {} bad row(s); nothing was imported:", rows.len()),
    };
    for r in &rows[..shown] {
        msg.push_str("\n  ");
        msg.push_str(&refusal(lang, r));
    }
    if rows.len() > shown {
        msg.push_str(&match lang {
            Lang::Vi => format!("\n  … và {} dòng nữa", rows.len() - shown),
            Lang::En => format!("\n  … and {} more", rows.len() - shown),
        });
    }
    msg
}

/// A problem with the database file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseProblem {
    Locked,
    ReadOnly,
    DiskFull,
    Damaged,
    NotADatabase,
    CannotOpen,
}

pub fn file_error(lang: Lang, problem: DatabaseProblem, path: &str) -> String {
    use DatabaseProblem as F;
    match (lang, problem) {
        (Lang::Vi, F::Locked) => format!(
            "{path}: cơ sở dữ liệu đang bị chương trình khác khóa; hãy đóng chương trình đó (hoặc chờ) rồi thử lại. Không có gì bị thay đổi."
        ),
        (Lang::Vi, F::ReadOnly) => format!(
            "{path}: tệp cơ sở dữ liệu chỉ cho phép đọc (kiểm tra quyền truy cập hoặc ổ đĩa); không có gì bị thay đổi"
        ),
        (Lang::Vi, F::DiskFull) => format!(
            "{path}: không ghi được xuống ổ đĩa (có thể đã đầy hoặc hỏng); thay đổi này chưa được lưu, mọi dữ liệu đã lưu trước đó vẫn nguyên vẹn"
        ),
        (Lang::Vi, F::Damaged) => format!(
            "{path}: tệp cơ sở dữ liệu bị hỏng; hãy khôi phục từ bản sao lưu bằng `council restore FILE`"
        ),
        (Lang::Vi, F::NotADatabase) => format!(
            "{path}: không phải cơ sở dữ liệu của council (không phải tệp SQLite); không có gì bị thay đổi"
        ),
        (Lang::Vi, F::CannotOpen) => format!(
            "{path}: không mở hoặc tạo được tệp cơ sở dữ liệu (thư mục có tồn tại và có quyền ghi không?)"
        ),
        (Lang::En, F::Locked) => format!(
            "{path}: the database is locked by another program; close it (or wait) and try again. Nothing was changed."
        ),
        (Lang::En, F::ReadOnly) => format!(
            "{path}: the database file is read-only (check its permissions, or the disk); nothing was changed"
        ),
        (Lang::En, F::DiskFull) => format!(
            "{path}: could not write to the disk (it may be full, or failing); this change was not saved, everything saved before it is intact"
        ),
        (Lang::En, F::Damaged) => format!(
            "{path}: the database file is damaged; restore a backup with `council restore FILE`"
        ),
        (Lang::En, F::NotADatabase) => format!(
            "{path}: not a council database (it is not an SQLite file); nothing was changed"
        ),
        (Lang::En, F::CannotOpen) => format!(
            "{path}: cannot open or create the database file (does its folder exist, and may you write in it?)"
        ),
    }
}

/// What a meeting command did, for its one-line answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Attendance {
        present: u32,
        total: u32,
        needed: u32,
        reached: bool,
    },
    Opened {
        code: String,
    },
    Closed {
        code: String,
    },
    BackToWaiting {
        code: String,
    },
    NewRound {
        code: String,
        round: u32,
    },
    KnockedOut {
        code: String,
    },
    Case {
        code: String,
        case: u32,
    },
    Recusal {
        code: String,
        seat: u32,
        withdrawn: bool,
    },
    SheetReopened {
        code: String,
        seat: u32,
    },
    Imported {
        rows: usize,
        changed: usize,
        sheets: usize,
        session: String,
        submitted: usize,
    },
    Finalised {
        session: String,
        hash: String,
    },
    SessionReopened {
        session: String,
    },
}

pub fn done(lang: Lang, d: &Done) -> String {
    use Done as D;
    match (lang, d) {
        (
            Lang::Vi,
            D::Attendance {
                present,
                total,
                needed,
                reached,
            },
        ) => format!(
            "Có mặt {present}/{total} thành viên chấm điểm (cần {needed}) — {}",
            if *reached {
                "đủ điều kiện"
            } else {
                "chưa đủ điều kiện"
            }
        ),
        (
            Lang::En,
            D::Attendance {
                present,
                total,
                needed,
                reached,
            },
        ) => format!(
            "{present} of {total} scoring members present ({needed} needed) — {}",
            if *reached {
                "quorum reached"
            } else {
                "no quorum"
            }
        ),
        (Lang::Vi, D::Opened { code }) => format!("Đã mở chấm sản phẩm {code}"),
        (Lang::En, D::Opened { code }) => format!("Product {code} is open for scoring"),
        (Lang::Vi, D::Closed { code }) => format!("Đã đóng sản phẩm {code}"),
        (Lang::En, D::Closed { code }) => format!("Product {code} is closed"),
        (Lang::Vi, D::BackToWaiting { code }) => format!("Sản phẩm {code} đã trở về hàng chờ"),
        (Lang::En, D::BackToWaiting { code }) => format!("Product {code} is waiting again"),
        (Lang::Vi, D::NewRound { code, round }) => {
            format!("Sản phẩm {code}: bắt đầu chấm vòng {round}")
        }
        (Lang::En, D::NewRound { code, round }) => format!("Product {code}: round {round} started"),
        (Lang::Vi, D::KnockedOut { code }) => format!("Đã ghi quyết định loại sản phẩm {code}"),
        (Lang::En, D::KnockedOut { code }) => format!("Product {code} is knocked out"),
        (Lang::Vi, D::Case { code, case }) => {
            format!("Sản phẩm {code} được chấm theo trường hợp {case}")
        }
        (Lang::En, D::Case { code, case }) => format!("Product {code} is scored in case {case}"),
        (
            Lang::Vi,
            D::Recusal {
                code,
                seat,
                withdrawn: false,
            },
        ) => format!("Ghế {seat} rút khỏi đánh giá sản phẩm {code}"),
        (
            Lang::Vi,
            D::Recusal {
                code,
                seat,
                withdrawn: true,
            },
        ) => format!("Ghế {seat} trở lại đánh giá sản phẩm {code}"),
        (
            Lang::En,
            D::Recusal {
                code,
                seat,
                withdrawn: false,
            },
        ) => format!("Seat {seat} is recused from product {code}"),
        (
            Lang::En,
            D::Recusal {
                code,
                seat,
                withdrawn: true,
            },
        ) => format!("Seat {seat}'s recusal from product {code} is withdrawn"),
        (Lang::Vi, D::SheetReopened { code, seat }) => {
            format!("Đã mở lại phiếu của ghế {seat} cho sản phẩm {code} để sửa")
        }
        (Lang::En, D::SheetReopened { code, seat }) => {
            format!("The sheet of seat {seat} for {code} is reopened for a correction")
        }
        (
            Lang::Vi,
            D::Imported {
                rows,
                changed,
                sheets,
                session,
                submitted,
            },
        ) => format!(
            "Đã nhập {rows} dòng ({changed} thay đổi) vào {sheets} phiếu của phiên {session}; {submitted} phiếu đủ và đã nộp"
        ),
        (
            Lang::En,
            D::Imported {
                rows,
                changed,
                sheets,
                session,
                submitted,
            },
        ) => format!(
            "imported {rows} rows ({changed} changed) into {sheets} sheets of session {session}; {submitted} sheets complete and submitted"
        ),
        (Lang::Vi, D::Finalised { session, hash }) => {
            format!("Phiên {session} đã hoàn tất; mã kết quả (SHA-256): {hash}")
        }
        (Lang::En, D::Finalised { session, hash }) => {
            format!("session {session} is final; results hash (SHA-256): {hash}")
        }
        (Lang::Vi, D::SessionReopened { session }) => {
            format!("Phiên {session} được mở lại; lý do đã ghi vào nhật ký")
        }
        (Lang::En, D::SessionReopened { session }) => {
            format!("session {session} is open again; the reason is logged")
        }
    }
}
