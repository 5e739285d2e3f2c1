//! What each action does, in words, for the help screen and the footer. The TUI keeps its
//! own table (one `match` per language, so the compiler checks every action has words);
//! `i18n` never needs to know about actions.

use super::action::Action;
use crate::i18n::Lang;

/// The help screen's words for an action.
pub fn action_label(lang: Lang, action: Action) -> &'static str {
    match lang {
        Lang::Vi => vi(action),
        Lang::En => en(action),
    }
}
fn vi(action: Action) -> &'static str {
    match action {
        Action::Quit => "thoát (mọi thứ đã lưu)",
        Action::Back => "quay lại",
        Action::Help => "phím tắt",
        Action::Up => "lên",
        Action::Down => "xuống",
        Action::PageUp => "lên một trang",
        Action::PageDown => "xuống một trang",
        Action::Home => "đầu",
        Action::End => "cuối",
        Action::Left => "sang trái",
        Action::Right => "sang phải",
        Action::SwitchFocus => "chuyển khung",
        Action::Select => "chọn",
        Action::ToggleAttendance => "điểm danh",
        Action::OpenProduct => "mở chấm",
        Action::CloseProduct => "đóng",
        Action::CloseOverride => "đóng ngoại lệ",
        Action::NewRound => "chấm lại vòng mới",
        Action::KnockOut => "loại sản phẩm",
        Action::ChooseCase => "chọn trường hợp (bộ 26)",
        Action::BackToWaiting => "trả về hàng chờ (mở nhầm)",
        Action::ReopenSheet => "mở lại phiếu đã nộp để sửa",
        Action::Recuse => "thành viên không chấm",
        Action::EnterSheet => "nhập phiếu",
        Action::BlindReentry => "nhập lại độc lập",
        Action::ShowResult => "kết quả",
        Action::ShowBoard => "tiến độ",
        Action::ShowSummary => "tổng hợp",
        Action::ShowSeats => "ghế từ xa (mã, kết nối)",
        Action::NewSeatCode => "cấp mã mới",
        Action::UnlockSeat => "mở khoá ghế",
        Action::DisconnectSeat => "ngắt kết nối ghế",
        Action::Export => "xuất biên bản",
        Action::Pick1
        | Action::Pick2
        | Action::Pick3
        | Action::Pick4
        | Action::Pick5
        | Action::Pick6
        | Action::Pick7
        | Action::Pick8
        | Action::Pick9 => "chọn mức, lưu và sang tiêu chí sau",
        Action::NextUnanswered => "tiêu chí chưa chấm",
        Action::Comment => "ý kiến",
        Action::Submit => "nộp",
        Action::TakeFirst => "lấy lần nhập 1",
        Action::TakeSecond => "lấy lần nhập 2",
        Action::Confirm => "đồng ý",
        Action::Cancel => "bỏ qua",
        Action::Backspace => "xóa trước con trỏ",
        Action::Delete => "xóa tại con trỏ",
        Action::MarkAllPresent => "điểm danh: mọi người có mặt",
        Action::FindProduct => "tìm sản phẩm theo mã hoặc tên",
        Action::ShowProjector => "màn hình chiếu",
        Action::ShowDistribution => "phân bố lựa chọn",
        Action::Insert(_) | Action::Refresh | Action::Tick => "",
    }
}

fn en(action: Action) -> &'static str {
    match action {
        Action::Quit => "quit (everything is saved)",
        Action::Back => "back",
        Action::Help => "keys",
        Action::Up => "up",
        Action::Down => "down",
        Action::PageUp => "page up",
        Action::PageDown => "page down",
        Action::Home => "first",
        Action::End => "last",
        Action::Left => "left",
        Action::Right => "right",
        Action::SwitchFocus => "switch panel",
        Action::Select => "select",
        Action::ToggleAttendance => "attendance",
        Action::OpenProduct => "open for scoring",
        Action::CloseProduct => "close",
        Action::CloseOverride => "close with override",
        Action::NewRound => "new round",
        Action::KnockOut => "knock out",
        Action::ChooseCase => "choose the case (set 26)",
        Action::BackToWaiting => "back to waiting (opened by mistake)",
        Action::ReopenSheet => "reopen a submitted sheet to correct it",
        Action::Recuse => "recuse member",
        Action::EnterSheet => "enter sheet",
        Action::BlindReentry => "blind re-entry",
        Action::ShowResult => "result",
        Action::ShowBoard => "progress",
        Action::ShowSummary => "summary",
        Action::ShowSeats => "remote seats (codes, connections)",
        Action::NewSeatCode => "new code",
        Action::UnlockSeat => "unlock seat",
        Action::DisconnectSeat => "disconnect seat",
        Action::Export => "export minutes",
        Action::Pick1
        | Action::Pick2
        | Action::Pick3
        | Action::Pick4
        | Action::Pick5
        | Action::Pick6
        | Action::Pick7
        | Action::Pick8
        | Action::Pick9 => "pick option, save, next criterion",
        Action::NextUnanswered => "next unanswered",
        Action::Comment => "comment",
        Action::Submit => "submit",
        Action::TakeFirst => "keep entry 1",
        Action::TakeSecond => "keep entry 2",
        Action::Confirm => "yes",
        Action::Cancel => "cancel",
        Action::Backspace => "delete before cursor",
        Action::Delete => "delete at cursor",
        Action::MarkAllPresent => "mark everyone present",
        Action::FindProduct => "find a product by code or name",
        Action::ShowProjector => "projector view",
        Action::ShowDistribution => "choices per criterion",
        Action::Insert(_) | Action::Refresh | Action::Tick => "",
    }
}
/// The footer's shorter words for an action (the help screen has the full ones).
pub fn footer_label(lang: Lang, action: Action) -> &'static str {
    let short = match (lang, action) {
        (Lang::Vi, a) if a.pick().is_some() => "chọn mức",
        (Lang::En, a) if a.pick().is_some() => "pick",
        (Lang::Vi, Action::Quit) => "thoát",
        (Lang::Vi, Action::ChooseCase) => "trường hợp",
        (Lang::Vi, Action::BackToWaiting) => "trả về chờ",
        (Lang::Vi, Action::ReopenSheet) => "mở lại phiếu",
        (Lang::Vi, Action::MarkAllPresent) => "có mặt hết",
        (Lang::Vi, Action::FindProduct) => "tìm",
        (Lang::Vi, Action::ShowProjector) => "chiếu",
        (Lang::Vi, Action::ShowDistribution) => "phân bố",
        (Lang::Vi, Action::NextUnanswered) => "chưa chấm",
        (Lang::Vi, Action::SwitchFocus) => "đổi khung",
        (Lang::Vi, Action::PageDown) => "trang sau",
        (Lang::Vi, Action::NewRound) => "vòng mới",
        (Lang::Vi, Action::TakeFirst) => "lấy lần 1",
        (Lang::Vi, Action::TakeSecond) => "lấy lần 2",
        (Lang::Vi, Action::Confirm) => "đồng ý",
        (Lang::Vi, Action::Cancel) => "không",
        (Lang::En, Action::Quit) => "quit",
        (Lang::En, Action::ChooseCase) => "case",
        (Lang::En, Action::BackToWaiting) => "to waiting",
        (Lang::En, Action::ReopenSheet) => "reopen sheet",
        (Lang::En, Action::MarkAllPresent) => "all present",
        (Lang::En, Action::FindProduct) => "find",
        (Lang::En, Action::ShowProjector) => "projector",
        (Lang::En, Action::ShowDistribution) => "choices",
        (Lang::En, Action::NextUnanswered) => "unanswered",
        (Lang::En, Action::SwitchFocus) => "switch panel",
        (Lang::En, Action::PageDown) => "next page",
        (Lang::En, Action::OpenProduct) => "open",
        (Lang::En, Action::TakeFirst) => "keep 1",
        (Lang::En, Action::TakeSecond) => "keep 2",
        (Lang::En, Action::Cancel) => "no",
        _ => "",
    };
    if short.is_empty() {
        action_label(lang, action)
    } else {
        short
    }
}
