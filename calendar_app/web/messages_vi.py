"""Vietnamese for every English message of the pages (the interface language by default)."""

VI = {
    # Page chrome and navigation
    "Agreements calendar": "Lịch ký kết và phối hợp",
    "Skip to the content": "Bỏ qua, đến nội dung chính",
    "Main menu": "Trình đơn chính",
    "Calendar": "Lịch",
    "Organizations": "Cơ quan, tổ chức",
    "Agreements": "Quy chế, chương trình phối hợp",
    "New event": "Thêm sự kiện",
    "New organization": "Thêm cơ quan, tổ chức",
    "New agreement": "Thêm quy chế, chương trình",
    "Sign in": "Đăng nhập",
    "Sign out": "Đăng xuất",
    "JSON API": "API JSON",
    "Error": "Lỗi",
    "Back to the calendar": "Quay về lịch",
    # Error pages
    "The request could not be understood": "Không hiểu được yêu cầu",
    "Not allowed": "Không được phép",
    "Page not found": "Không tìm thấy trang",
    "Not allowed here": "Không được phép tại địa chỉ này",
    "Too much data": "Dữ liệu gửi lên quá lớn",
    "Too many attempts": "Quá nhiều lần thử",
    "Something went wrong on our side": "Hệ thống gặp sự cố",
    "Something went wrong": "Đã có lỗi xảy ra",
    "Temporarily unavailable": "Tạm thời không truy cập được",
    "There is nothing at this address. It may have been moved or mistyped.":
        "Không có nội dung nào ở địa chỉ này. Có thể địa chỉ đã thay đổi hoặc bị gõ nhầm.",
    "The error has been noted. Please try again in a moment.": "Lỗi đã được ghi lại. Vui lòng thử lại sau ít phút.",
    "The form expired or was sent from elsewhere. Go back, reload the page and send it again.":
        "Biểu mẫu đã hết hạn hoặc được gửi từ nơi khác. Hãy quay lại, tải lại trang rồi gửi lại.",
    # Home page
    "Events of the coordination agreements": "Sự kiện của các quy chế, chương trình phối hợp",
    "Filter": "Lọc",
    "Organization": "Cơ quan, tổ chức",
    "All organizations": "Tất cả cơ quan, tổ chức",
    "Agreement": "Quy chế, chương trình",
    "All agreements": "Tất cả quy chế, chương trình",
    "Kind": "Loại",
    "All kinds": "Tất cả các loại",
    "Show": "Xem",
    "Previous month": "Tháng trước",
    "Next month": "Tháng sau",
    "Previous": "Trước",
    "Next": "Sau",
    "This month": "Tháng này",
    "Coming events": "Sự kiện sắp tới",
    "No coming events.": "Chưa có sự kiện nào sắp tới.",
    "Too many events to show at once; choose an organization, agreement or kind.":
        "Có quá nhiều sự kiện để hiện cùng lúc; hãy chọn một cơ quan, quy chế hoặc loại sự kiện.",
    # Event page
    "Internal": "Nội bộ",
    "When": "Thời gian",
    "Repeats": "Lặp lại",
    "Place": "Địa điểm",
    "More information": "Thông tin thêm",
    "Next occurrences": "Các lần tiếp theo",
    "The change stored for the occurrence of {day} cannot be shown (its new time is outside the years the "
    "calendar holds); the regular time is shown instead.":
        "Thay đổi đã lưu cho lần {day} không hiển thị được (giờ mới nằm ngoài khoảng năm lịch quản lý); "
        "lịch hiển thị giờ thường lệ.",
    "Add to my calendar (.ics)": "Thêm vào lịch của tôi (.ics)",
    "Edit": "Sửa",
    "Cancel the event": "Hủy sự kiện",
    "Cancel this event? It stays in the calendar, marked cancelled.":
        "Hủy sự kiện này? Sự kiện vẫn nằm trên lịch, được đánh dấu là đã hủy.",
    "Every week": "Hằng tuần",
    "Every {n} weeks": "{n} tuần một lần",
    "Every month": "Hằng tháng",
    "Every {n} months": "{n} tháng một lần",
    "Every year": "Hằng năm",
    "Every {n} years": "{n} năm một lần",
    "until {day}": "đến ngày {day}",
    "Repeats by the rule {rule}": "Lặp lại theo quy tắc {rule}",
    # Organization page
    "part of": "trực thuộc",
    "Website": "Trang web",
    "Subscribe": "Đăng ký theo dõi lịch",
    "Subscribe once and every ceremony, workshop and review meeting of this organization appears in your calendar, "
    "with changes and cancellations.":
        "Đăng ký một lần, mọi lễ ký kết, hội thảo và hội nghị giao ban của cơ quan này sẽ hiện trong lịch của bạn, "
        "kể cả khi thay đổi hoặc bị hủy.",
    "Subscribe (Outlook, Apple Calendar, Thunderbird)": "Đăng ký (Outlook, Apple Calendar, Thunderbird)",
    "Add to Google Calendar": "Thêm vào Google Calendar",
    "Calendar address": "Địa chỉ lịch",
    "Copy": "Sao chép",
    "Copied": "Đã sao chép",
    "How to subscribe": "Cách đăng ký theo dõi",
    "Copy the address, then in Outlook choose Add calendar → Subscribe from web, paste it and confirm.":
        "Sao chép địa chỉ, rồi trong Outlook chọn Thêm lịch (Add calendar) → Đăng ký từ web (Subscribe from web), "
        "dán địa chỉ và xác nhận.",
    "Use “Add to Google Calendar”, or in Google Calendar choose Other calendars → + → From URL and paste the address.":
        "Bấm “Thêm vào Google Calendar”, hoặc trong Google Calendar chọn Lịch khác (Other calendars) → + → "
        "Từ URL (From URL) rồi dán địa chỉ.",
    "Use “Subscribe” on an iPhone or Mac, or choose File → New Calendar Subscription and paste the address.":
        "Bấm “Đăng ký” trên iPhone hoặc máy Mac, hoặc chọn Tệp (File) → Đăng ký lịch mới "
        "(New Calendar Subscription) rồi dán địa chỉ.",
    "Calendar programs refresh subscriptions on their own schedule (Google: every few hours), so a change may take a "
    "while to appear.":
        "Các chương trình lịch tự cập nhật theo lịch riêng (Google: vài giờ một lần), nên thay đổi có thể "
        "chưa hiện ngay.",
    "The calendar holds the past 12 months and everything ahead; for older events add {example} to the address.":
        "Lịch gồm các sự kiện trong 12 tháng qua và mọi sự kiện sắp tới; muốn xem sự kiện cũ hơn, thêm {example} "
        "vào cuối địa chỉ.",
    "Private address (internal events included)": "Địa chỉ riêng (gồm cả sự kiện nội bộ)",
    "Give this address only to staff: anyone who has it sees internal events.":
        "Chỉ đưa địa chỉ này cho cán bộ: ai có địa chỉ đều xem được sự kiện nội bộ.",
    "Make a new private address": "Tạo địa chỉ riêng mới",
    "Make a new private address? The old one stops working at once.":
        "Tạo địa chỉ riêng mới? Địa chỉ cũ sẽ ngừng hoạt động ngay.",
    "A new private address was made; the old one no longer works.":
        "Đã tạo địa chỉ riêng mới; địa chỉ cũ không còn dùng được.",
    "None yet.": "Chưa có.",
    # Agreement page
    "Under": "Thuộc",
    "Signed on": "Ngày ký",
    "Term": "Thời hạn",
    "from": "từ",
    "until": "đến",
    "no end date": "không ghi ngày kết thúc",
    "not stated": "chưa ghi",
    "Review meetings": "Hội nghị giao ban",
    "every {n} months": "{n} tháng một lần",
    "Source": "Nguồn",
    "Parties and signatories": "Các bên và người ký",
    "Witnessed by": "Chứng kiến",
    "Timeline": "Các hoạt động",
    "No events yet.": "Chưa có sự kiện nào.",
    "Subscribe to this agreement": "Đăng ký theo dõi lịch của quy chế, chương trình này",
    "signed": "ký ngày",
    # Codes
    "Signing ceremony": "Lễ ký kết",
    "Joint workshop": "Hội thảo, tọa đàm",
    "Volunteer program": "Chương trình tình nguyện",
    "Review meeting": "Hội nghị giao ban",
    "Other": "Khác",
    "Confirmed": "Đã xác nhận",
    "Tentative": "Dự kiến",
    "Cancelled": "Đã hủy",
    "Public": "Công khai",
    "Internal (signed-in staff only)": "Nội bộ (chỉ cán bộ đã đăng nhập)",
    "Coordination regulation": "Quy chế phối hợp",
    "Coordination program": "Chương trình phối hợp",
    "Specific yearly program": "Chương trình phối hợp cụ thể hằng năm",
    "Memorandum": "Biên bản ghi nhớ",
    "Signatory": "Bên ký",
    "Party": "Bên tham gia",
    "Witness": "Chứng kiến",
    "Ministry": "Bộ, ngành",
    "Party committee": "Cấp ủy Đảng",
    "Press": "Cơ quan báo chí",
    "Enterprise": "Doanh nghiệp",
    "Government agency": "Cơ quan nhà nước",
    "Association": "Hội, hiệp hội",
    "Does not repeat": "Không lặp lại",
    "Every N weeks": "N tuần một lần",
    "Every N months": "N tháng một lần",
    "Every N years": "N năm một lần",
    "Keep the current rule": "Giữ quy tắc hiện tại",
    # Sign-in
    "Signing in is for staff who add and change events.": "Đăng nhập dành cho cán bộ thêm và sửa sự kiện.",
    "Username": "Tên đăng nhập",
    "Password": "Mật khẩu",
    "The username or the password is wrong.": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "Too many failed sign-ins from your address. Wait {minutes} minutes and try again.":
        "Địa chỉ của bạn đã đăng nhập sai quá nhiều lần. Vui lòng chờ {minutes} phút rồi thử lại.",
    "Too many attempts for this username. Wait {seconds} seconds and try again.":
        "Tên đăng nhập này đã bị thử quá nhiều lần. Vui lòng chờ {seconds} giây rồi thử lại.",
    "Signed in as {name}.": "Đã đăng nhập: {name}.",
    "You are signed out.": "Bạn đã đăng xuất.",
    # Forms
    "Edit the event": "Sửa sự kiện",
    "Edit the organization": "Sửa thông tin cơ quan, tổ chức",
    "Edit the agreement": "Sửa quy chế, chương trình",
    "Some fields need attention; see the messages next to them.":
        "Một số mục chưa hợp lệ; xem thông báo bên cạnh từng mục.",
    "Title": "Tên sự kiện",
    "— none —": "— không —",
    "Organizations taking part": "Cơ quan, tổ chức tham gia",
    "Hold Ctrl (⌘ on a Mac) to choose several. The agreement's parties are included anyway.":
        "Giữ phím Ctrl (⌘ trên máy Mac) để chọn nhiều mục. Các bên của quy chế luôn được tính là tham gia.",
    "Time": "Thời gian",
    "All day (or several whole days)": "Cả ngày (hoặc nhiều ngày liền)",
    "Starts": "Bắt đầu",
    "Ends": "Kết thúc",
    "First day": "Ngày đầu",
    "Last day": "Ngày cuối",
    "Leave empty for a single day.": "Để trống nếu chỉ diễn ra một ngày.",
    "Time zone": "Múi giờ",
    "Repetition": "Cách lặp lại",
    "N (how many weeks, months or years apart)": "N (cách nhau bao nhiêu tuần, tháng hoặc năm)",
    "Until (last day, optional)": "Đến ngày (ngày cuối, không bắt buộc)",
    "For example, a review meeting every 6 months: choose “Every N months”, N = 6, and the last day of the "
    "agreement's term.":
        "Ví dụ, hội nghị giao ban 6 tháng một lần: chọn “N tháng một lần”, N = 6, và ngày cuối của thời hạn "
        "quy chế.",
    "Description": "Nội dung",
    "Web page with more information (optional)": "Trang web có thêm thông tin (không bắt buộc)",
    "Status": "Trạng thái",
    "Who can see it": "Ai được xem",
    "Save": "Lưu",
    "Back without saving": "Quay lại, không lưu",
    "The event was saved.": "Đã lưu sự kiện.",
    "The event was cancelled.": "Đã hủy sự kiện.",
    "The event could not be cancelled.": "Không hủy được sự kiện.",
    "The organization was saved.": "Đã lưu cơ quan, tổ chức.",
    "The agreement was saved.": "Đã lưu quy chế, chương trình.",
    "Name": "Tên",
    "Short name": "Tên viết tắt",
    "Address name (slug)": "Tên trong địa chỉ (slug)",
    "Used in the page and calendar addresses, e.g. tap-chi-cong-san. Leave empty to make it from the name.":
        "Dùng trong địa chỉ trang và địa chỉ lịch, ví dụ tap-chi-cong-san. Để trống để tạo từ tên.",
    "Used in the page and calendar addresses. Leave empty to make it from the title.":
        "Dùng trong địa chỉ trang và địa chỉ lịch. Để trống để tạo từ tên gọi.",
    "Part of": "Trực thuộc",
    "Under (for a yearly program)": "Thuộc (với chương trình cụ thể hằng năm)",
    "Valid from": "Hiệu lực từ",
    "Valid until": "Hiệu lực đến",
    "Review meeting every N months": "Giao ban N tháng một lần",
    "Also add the repeating review meeting to the calendar": "Thêm luôn hội nghị giao ban định kỳ vào lịch",
    "Summary": "Tóm tắt",
    "Source (web address)": "Nguồn (địa chỉ web)",
    "Parties, signatories and witnesses": "Các bên, người ký và người chứng kiến",
    "At least two organizations that sign or take part. Leave unused rows empty.":
        "Ít nhất hai cơ quan ký hoặc tham gia. Để trống các dòng không dùng.",
    "Role": "Vai trò",
    "Person who signed or witnessed": "Người ký hoặc chứng kiến",
    "Their title": "Chức vụ",
    # Validation messages in plain words
    "This field is required.": "Vui lòng điền mục này.",
    "Must be at most {max} characters long.": "Không được dài quá {max} ký tự.",
    "Must be between {min} and {max} characters long.": "Phải dài từ {min} đến {max} ký tự.",
    "Choose one of the options in the list.": "Hãy chọn một mục trong danh sách.",
    "Enter a date and a time.": "Hãy nhập ngày và giờ.",
    "Enter a valid date.": "Hãy nhập một ngày hợp lệ.",
    "Enter a web address that starts with http:// or https://.": "Hãy nhập địa chỉ web bắt đầu bằng http:// hoặc https://.",
    "Enter a whole number.": "Hãy nhập một số nguyên.",
    "Enter a number from {min} to {max}.": "Hãy nhập một số từ {min} đến {max}.",
    "Use only lower-case letters a–z, digits and single hyphens, e.g. tap-chi-cong-san.":
        "Chỉ dùng chữ thường a–z không dấu, chữ số và dấu gạch ngang đơn, ví dụ tap-chi-cong-san.",
    "Enter the first day.": "Hãy nhập ngày đầu.",
    "The last day must not be before the first day.": "Ngày cuối không được trước ngày đầu.",
    "Enter a date and a time, or tick “All day”.": "Hãy nhập ngày và giờ, hoặc đánh dấu “Cả ngày”.",
    "The end must be after the start.": "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
    "{time} on {day} does not exist in {zone}: the clocks skip that hour (daylight saving time). "
    "Choose another time.":
        "Giờ {time} ngày {day} không tồn tại ở múi giờ {zone}: đồng hồ được vặn nhanh qua khoảng giờ này "
        "(giờ mùa hè). Hãy chọn giờ khác.",
    "Choose a time zone from the list.": "Hãy chọn một múi giờ trong danh sách.",
    "Must be between the years {min} and {max}.": "Phải nằm trong khoảng năm {min} đến năm {max}.",
    "Must not contain line breaks or invisible control characters.": "Không được chứa dấu xuống dòng hoặc ký tự điều khiển.",
    "There is no agreement “{slug}”.": "Không có quy chế, chương trình “{slug}”.",
    "There is no organization “{slug}”.": "Không có cơ quan, tổ chức “{slug}”.",
    "The end of the term must not be before its start.": "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.",
    "Each organization may appear only once (repeated: {names}).": "Mỗi cơ quan chỉ được ghi một lần (bị lặp: {names}).",
    "An agreement needs at least two different organizations that sign or take part.":
        "Một quy chế, chương trình cần ít nhất hai cơ quan khác nhau ký hoặc tham gia.",
    "Needs “Review every N months” and “Valid from”.": "Cần điền “Giao ban N tháng một lần” và “Hiệu lực từ”.",
    "The first review meeting ({day}) would fall after the end of the term ({end}); "
    "choose a shorter interval or a longer term.":
        "Kỳ giao ban đầu tiên ({day}) sẽ rơi sau ngày hết hiệu lực ({end}); "
        "hãy chọn khoảng cách ngắn hơn hoặc thời hạn dài hơn.",
    "The review meetings must fall between the years {min} and {max}; the first would be on {day}.":
        "Các kỳ giao ban phải nằm trong khoảng năm {min} đến năm {max}; kỳ đầu tiên sẽ là ngày {day}.",
    "This short name is already taken; choose another one.": "Tên này đã được dùng; hãy chọn tên khác.",
    "An organization cannot be placed under itself.": "Một cơ quan không thể trực thuộc chính nó.",
    "An agreement cannot be placed under itself.": "Một quy chế, chương trình không thể thuộc chính nó.",
    "Only a repeating event can skip occurrences.": "Chỉ sự kiện lặp lại mới có thể bỏ qua một số lần.",
    "The repetition is not valid: {detail}": "Cách lặp lại chưa hợp lệ: {detail}",
}
