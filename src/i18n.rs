//! Every user-facing word in one place, Vietnamese first. A new string is a new field in
//! [`Strings`], so the compiler makes sure both languages have it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn strings(self) -> &'static Strings {
        match self {
            Self::Vi => &VI,
            Self::En => &EN,
        }
    }

    /// `COUNCIL_LANG` (vi/en) if set and valid, else Vietnamese.
    pub fn from_env() -> Option<Self> {
        match std::env::var("COUNCIL_LANG").ok()?.to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

pub struct Strings {
    pub stars_word: &'static str,
    pub no_stars: &'static str,
    pub knocked_out: &'static str,
    pub mean: &'static str,
    pub band: &'static str,
    pub minimums: &'static str,
    pub final_rank: &'static str,
    pub parts: &'static str,
    pub members: &'static str,
    pub seat: &'static str,
    pub spread: &'static str,
    pub spread_breach: &'static str,
    pub holds: &'static str,
    pub fails: &'static str,
    pub met_by: &'static str,
    pub next_star: &'static str,
    pub points_needed: &'static str,
    pub blocked_by: &'static str,
    pub incomplete: &'static str,
    pub no_sheets: &'static str,
    pub round: &'static str,
    pub status_waiting: &'static str,
    pub status_scoring: &'static str,
    pub status_closed: &'static str,
    pub status_knocked_out: &'static str,
    pub rule_majority: &'static str,
    pub rule_all: &'static str,
    pub rule_mean: &'static str,
}

pub static VI: Strings = Strings {
    stars_word: "sao",
    no_stars: "chưa xếp hạng",
    knocked_out: "không đạt (bị loại)",
    mean: "Điểm trung bình",
    band: "khung điểm",
    minimums: "Yêu cầu tối thiểu",
    final_rank: "Xếp hạng",
    parts: "Các phần",
    members: "Thành viên",
    seat: "ghế",
    spread: "Chênh lệch",
    spread_breach: "VƯỢT mức cho phép — đề nghị chấm lại",
    holds: "đạt",
    fails: "không đạt",
    met_by: "đạt bởi",
    next_star: "Hạng kế tiếp",
    points_needed: "cần thêm",
    blocked_by: "vướng yêu cầu tối thiểu",
    incomplete: "Phiếu chưa đủ",
    no_sheets: "chưa có phiếu đầy đủ",
    round: "vòng",
    status_waiting: "chờ",
    status_scoring: "đang chấm",
    status_closed: "đã đóng",
    status_knocked_out: "bị loại",
    rule_majority: "quá bán",
    rule_all: "tất cả",
    rule_mean: "điểm trung bình",
};

pub static EN: Strings = Strings {
    stars_word: "stars",
    no_stars: "not ranked",
    knocked_out: "not accepted (knocked out)",
    mean: "Mean score",
    band: "band",
    minimums: "Star minimums",
    final_rank: "Rank",
    parts: "Parts",
    members: "Members",
    seat: "seat",
    spread: "Spread",
    spread_breach: "ABOVE the allowed maximum — a new round is advised",
    holds: "holds",
    fails: "fails",
    met_by: "met by",
    next_star: "Next star",
    points_needed: "needs",
    blocked_by: "blocked by minimums",
    incomplete: "Incomplete sheets",
    no_sheets: "no complete sheet yet",
    round: "round",
    status_waiting: "waiting",
    status_scoring: "scoring",
    status_closed: "closed",
    status_knocked_out: "knocked out",
    rule_majority: "majority",
    rule_all: "all",
    rule_mean: "mean",
};
