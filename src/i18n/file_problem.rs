//! Problems with the database file itself, found before SQLite is let near it: English as
//! their `Display`, Vietnamese in [`file_problem`].

use super::Lang;

/// Problems with the database file itself, found before SQLite is let near it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileProblem {
    #[error(
        "{0}: no database here; create one with `council session new FILE` (or check the path given with --db or COUNCIL_DB)"
    )]
    Missing(String),
    #[error(
        "{path}: cannot create the database: the folder {folder} does not exist (check the path given with --db or COUNCIL_DB)"
    )]
    FolderMissing { path: String, folder: String },
    #[error(
        "{0}: is a folder, not a database file; give the path of a file (for example {0}/council.db)"
    )]
    IsAFolder(String),
    #[error(
        "{0}: an SQLite file, but not a council database (it holds another program's tables); nothing was changed"
    )]
    Foreign(String),
    #[error(
        "{0}: an SQLite file of another program (its application id is {1:#010x}, not council's); nothing was changed"
    )]
    ForeignApplication(String, u32),
    #[error("{0} already exists; choose a new file name")]
    AlreadyExists(String),
    #[error("{0}: no such file; nothing was changed")]
    NoSuchFile(String),
    #[error("{0}: the file is empty, not a council database; nothing was changed")]
    EmptyFile(String),
    #[error(
        "{path}: an SQLite file, but not a council database (it has no \"{table}\" table); nothing was changed"
    )]
    NoCouncilTable { path: String, table: &'static str },
    #[error("{0}: the file is damaged (SQLite's integrity check fails); nothing was changed")]
    FailsIntegrityCheck(String),
    #[error(
        "{path}: its audit chain is broken at row {seq} (the file was changed outside council); nothing was changed"
    )]
    BrokenChain { path: String, seq: i64 },
    #[error(
        "{path}: its choices disagree with its own audit log ({count} difference(s); first: {first}); the file was changed outside council, nothing was changed"
    )]
    DisagreesWithLog {
        path: String,
        count: usize,
        first: String,
    },
    #[error("{0} is the database itself; nothing was changed")]
    IsTheDatabase(String),
    #[error(
        "{0}: the database is damaged and another program has it open; close council everywhere, then restore again. Nothing was changed."
    )]
    DamagedInUse(String),
}

/// A file problem in `lang` (English is its `Display`).
pub fn file_problem(lang: Lang, p: &FileProblem) -> String {
    use FileProblem as P;
    match lang {
        Lang::En => p.to_string(),
        Lang::Vi => match p {
            P::Missing(f) => format!(
                "{f}: không có cơ sở dữ liệu ở đây; hãy tạo bằng `council session new FILE` (hoặc kiểm tra đường dẫn --db hay COUNCIL_DB)"
            ),
            P::FolderMissing { path, folder } => format!(
                "{path}: không tạo được cơ sở dữ liệu: thư mục {folder} không tồn tại (kiểm tra đường dẫn --db hay COUNCIL_DB)"
            ),
            P::IsAFolder(f) => format!(
                "{f}: là thư mục, không phải tệp cơ sở dữ liệu; hãy cho đường dẫn một tệp (ví dụ {f}/council.db)"
            ),
            P::Foreign(f) => format!(
                "{f}: tệp SQLite nhưng không phải cơ sở dữ liệu của council (chứa bảng của chương trình khác); không có gì bị thay đổi"
            ),
            P::ForeignApplication(f, id) => format!(
                "{f}: tệp SQLite của chương trình khác (mã ứng dụng {id:#010x}, không phải của council); không có gì bị thay đổi"
            ),
            P::AlreadyExists(f) => format!("{f} đã tồn tại; hãy chọn tên tệp mới"),
            P::NoSuchFile(f) => format!("{f}: không có tệp này; không có gì bị thay đổi"),
            P::EmptyFile(f) => format!(
                "{f}: tệp rỗng, không phải cơ sở dữ liệu của council; không có gì bị thay đổi"
            ),
            P::NoCouncilTable { path, table } => format!(
                "{path}: tệp SQLite nhưng không phải cơ sở dữ liệu của council (không có bảng \"{table}\"); không có gì bị thay đổi"
            ),
            P::FailsIntegrityCheck(f) => format!(
                "{f}: tệp bị hỏng (không qua kiểm tra toàn vẹn của SQLite); không có gì bị thay đổi"
            ),
            P::BrokenChain { path, seq } => format!(
                "{path}: chuỗi nhật ký bị đứt ở dòng {seq} (tệp đã bị sửa ngoài council); không có gì bị thay đổi"
            ),
            P::DisagreesWithLog { path, count, first } => format!(
                "{path}: các lựa chọn không khớp với nhật ký của chính tệp ({count} chỗ khác; đầu tiên: {first}); tệp đã bị sửa ngoài council, không có gì bị thay đổi"
            ),
            P::IsTheDatabase(f) => {
                format!("{f} chính là cơ sở dữ liệu đang dùng; không có gì bị thay đổi")
            }
            P::DamagedInUse(f) => format!(
                "{f}: cơ sở dữ liệu bị hỏng và đang được chương trình khác mở; hãy đóng council ở mọi nơi rồi khôi phục lại. Không có gì bị thay đổi."
            ),
        },
    }
}
