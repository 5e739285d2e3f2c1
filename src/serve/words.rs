//! What the seat server itself says to a member (the screens say the rest).

use crate::i18n::Lang;

pub struct Words {
    pub code_prompt: &'static str,
    pub display_prompt: &'static str,
    pub no_commands: &'static str,
    pub replaced: &'static str,
    pub disconnected: &'static str,
    pub server_stopping: &'static str,
    pub not_a_member_screen: &'static str,
    pub serving: &'static str,
    pub fingerprint_line: &'static str,
    pub addresses_heading: &'static str,
    pub codes_heading: &'static str,
    pub display_name: &'static str,
    pub state_locked: &'static str,
    pub state_connected: &'static str,
    pub stop_hint: &'static str,
    pub nobody_connected: &'static str,
    pub not_a_public_key: &'static str,
}

const VI: Words = Words {
    code_prompt: "Mã của ghế {seat} (thư ký đọc hoặc phát phiếu): ",
    display_prompt: "Mã của màn hình chiếu: ",
    no_commands: "council: máy chủ ghế chỉ mở màn hình chấm điểm; hãy kết nối không kèm lệnh (ssh -p CỔNG ghe4@MÁY)\r\n",
    replaced: "Ghế này vừa được mở từ một kết nối mới hơn ({peer}); kết nối này đóng lại. Các lựa chọn đã lưu vẫn còn nguyên.",
    disconnected: "Thư ký đã ngắt kết nối ghế này. Các lựa chọn đã lưu vẫn còn nguyên.",
    server_stopping: "Máy chủ ghế đã dừng. Các lựa chọn đã lưu vẫn còn nguyên.",
    not_a_member_screen: "Không mở được màn hình: {why}",
    serving: "Máy chủ ghế của phiên {session} đang nghe tại {listen}.",
    fingerprint_line: "Vân tay khoá máy chủ (thành viên so khi kết nối lần đầu): {fingerprint}",
    addresses_heading: "Mỗi thành viên gõ trên máy của mình (thay ghe4 bằng ghế của mình):",
    codes_heading: "Ghế  Thành viên                   Tên      Mã      Trạng thái",
    display_name: "Màn hình chiếu",
    state_locked: "ĐÃ KHOÁ (council seat unlock)",
    state_connected: "đang kết nối từ {peer}",
    stop_hint: "Nhấn Ctrl-C để dừng máy chủ ghế.",
    nobody_connected: "Không có kết nối nào ở ghế này.",
    not_a_public_key: "không phải khoá công khai SSH (dòng của tệp id_ed25519.pub)",
};

const EN: Words = Words {
    code_prompt: "Code for seat {seat} (read out or on your slip): ",
    display_prompt: "Code for the room display: ",
    no_commands: "council: the seat server only opens the scoring screen; connect without a command (ssh -p PORT ghe4@HOST)\r\n",
    replaced: "This seat was just opened from a newer connection ({peer}); this one closes. Every saved choice is kept.",
    disconnected: "The secretary disconnected this seat. Every saved choice is kept.",
    server_stopping: "The seat server stopped. Every saved choice is kept.",
    not_a_member_screen: "Cannot open the screen: {why}",
    serving: "The seat server of session {session} is listening on {listen}.",
    fingerprint_line: "Host key fingerprint (members compare it on first connect): {fingerprint}",
    addresses_heading: "Each member types on their own machine (ghe4 becomes their seat):",
    codes_heading: "Seat Member                       Login    Code    State",
    display_name: "Room display",
    state_locked: "LOCKED (council seat unlock)",
    state_connected: "connected from {peer}",
    stop_hint: "Press Ctrl-C to stop the seat server.",
    nobody_connected: "Nobody is connected at this seat.",
    not_a_public_key: "not an SSH public key (the line of an id_ed25519.pub file)",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
