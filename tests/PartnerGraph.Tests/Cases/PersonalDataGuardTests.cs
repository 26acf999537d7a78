using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Tests.Cases;

public sealed class PersonalDataGuardTests
{
    [Theory]
    [InlineData("1101700230716")]
    [InlineData("3100100456786")]
    [InlineData("1-1017-00230-71-6")]
    [InlineData("1 1017 00230 71 6")]
    [InlineData("1.1017.00230.71.6")]
    [InlineData("ID 1101700230716 of the mother")]
    [InlineData("id:1101700230716")]
    [InlineData("๑๑๐๑๗๐๐๒๓๐๗๑๖")]
    [InlineData("call 0812345678 or 1101700230716")]
    public void A_Thai_national_id_that_passes_its_check_digit_is_found(string text) =>
        Assert.Equal(PersonalDataKind.NationalId, PersonalDataGuard.Find(text));

    [Theory]
    [InlineData("0812345678")]
    [InlineData("081-234-5678")]
    [InlineData("081 234 5678")]
    [InlineData("08-1234-5678")]
    [InlineData("0812-345-678")]
    [InlineData("0912345678")]
    [InlineData("tel:0612345678")]
    [InlineData("call 095 555 1234 after school")]
    [InlineData("+66 81 234 5678")]
    [InlineData("+66812345678")]
    [InlineData("+66-81-234-5678")]
    [InlineData("+66 (0) 81 234 5678")]
    [InlineData("66 81 234 5678")]
    [InlineData("0066 81 234 5678")]
    [InlineData("66812345678")]
    [InlineData("02-123-4567")]
    [InlineData("021234567")]
    [InlineData("(02) 123 4567")]
    [InlineData("053-123-456")]
    [InlineData("+66 2 123 4567")]
    [InlineData("+95 9 123 456 789")]
    [InlineData("+855 12 345 678")]
    [InlineData("+1 (555) 123-4567")]
    [InlineData("+4915112345678")]
    [InlineData("๐๘๑-๒๓๔-๕๖๗๘")]
    [InlineData("081\u2013234\u20135678")]
    public void A_phone_number_is_found(string text) =>
        Assert.Equal(PersonalDataKind.PhoneNumber, PersonalDataGuard.Find(text));

    [Theory]
    [InlineData("somchai@example.org")]
    [InlineData("a.b+c@mail.co.th")]
    [InlineData("write to ngo.worker@wvft.or.th please")]
    [InlineData("MAE.SOT@EXAMPLE.COM")]
    public void An_email_address_is_found(string text) =>
        Assert.Equal(PersonalDataKind.EmailAddress, PersonalDataGuard.Find(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("TH-50")]
    [InlineData("50")]
    [InlineData("5001")]
    [InlineData("TH")]
    [InlineData("MM")]
    [InlineData("STATELESS")]
    [InlineData("UNKNOWN")]
    [InlineData("AGE_12_14")]
    [InlineData("AGE_18_PLUS")]
    [InlineData("FORCED_CRIMINALITY")]
    [InlineData("2025-07-01")]
    [InlineData("01/07/2025")]
    [InlineData("20250701")]
    [InlineData("2025-07-01 2025-08-01")]
    [InlineData("2025-08-01 2025-09-01")]
    [InlineData("09-10-2025 12:30")]
    [InlineData("2025-Q3")]
    [InlineData("REF-2026-000123")]
    [InlineData("REF-2026-000123 REF-2026-000124")]
    [InlineData("2026-000123")]
    [InlineData("PREVENTION-SCHOOL")]
    [InlineData("TH-50 TH-57 TH-63")]
    [InlineData("5001 5002 5003")]
    [InlineData("12345678901234567890")]
    [InlineData("12.5")]
    [InlineData("+66")]
    [InlineData("+1234")]
    [InlineData("1300")]
    [InlineData("Room 12, floor 3")]
    [InlineData("user at example dot org")]
    [InlineData("a@b")]
    [InlineData("@wvft")]
    public void Codes_dates_and_references_of_this_API_are_not_personal_data(string? text) =>
        Assert.Null(PersonalDataGuard.Find(text));

    [Theory]
    [InlineData("1101700230717")]
    [InlineData("1234567890122")]
    [InlineData("1-1017-00230-71-7")]
    [InlineData("3100100456787")]
    public void Thirteen_digits_with_a_wrong_check_digit_are_neither_a_national_id_nor_a_phone_number(string text) =>
        Assert.Null(PersonalDataGuard.Find(text));

    [Theory]
    [InlineData("11017002307161")]
    [InlineData("101700230716")]
    [InlineData("11017 00230716")]
    public void Digits_that_are_not_13_in_the_id_layout_are_no_national_id(string text) =>
        Assert.NotEqual(PersonalDataKind.NationalId, PersonalDataGuard.Find(text));

    [Fact]
    public void A_national_id_is_reported_before_a_phone_number_or_an_email_address_in_the_same_text() =>
        Assert.Equal(PersonalDataKind.NationalId, PersonalDataGuard.Find("0812345678 somchai@example.org 1101700230716"));

    [Fact]
    public void A_phone_number_is_reported_before_an_email_address() =>
        Assert.Equal(PersonalDataKind.PhoneNumber, PersonalDataGuard.Find("somchai@example.org 0812345678"));

    [Fact]
    public void Long_text_is_read_whole()
    {
        var padding = new string('x', 5_000);
        Assert.Equal(PersonalDataKind.PhoneNumber, PersonalDataGuard.Find(padding + " 081-234-5678 " + padding));
        Assert.Null(PersonalDataGuard.Find(padding + string.Concat(Enumerable.Repeat(" 2025-07-01", 500))));
    }
}
