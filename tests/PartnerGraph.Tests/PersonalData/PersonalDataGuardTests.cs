using PartnerGraph.Domain;
using PartnerGraph.Domain.PersonalData;

namespace PartnerGraph.Tests.PersonalData;

public sealed class PersonalDataGuardTests
{
    public static TheoryData<string, string, PersonalDataKind> RefusedForms()
    {
        var data = new TheoryData<string, string, PersonalDataKind>();
        foreach (var (form, text, kind) in PersonalDataCorpus.Refused)
        {
            data.Add(form, text, kind);
        }

        return data;
    }

    public static TheoryData<string> OrdinaryTexts() => [.. PersonalDataCorpus.Passes];

    [Theory]
    [MemberData(nameof(RefusedForms))]
    public void Personal_data_is_found_however_it_is_written(string form, string text, PersonalDataKind kind) =>
        Assert.True(PersonalDataGuard.Find(text) == kind, $"{form}: found {PersonalDataGuard.Find(text)?.ToString() ?? "nothing"}, expected {kind}");

    [Theory]
    [MemberData(nameof(OrdinaryTexts))]
    public void What_the_workflow_needs_to_write_passes(string text) =>
        Assert.Null(PersonalDataGuard.Find(text));

    [Theory]
    [InlineData("0812345678")]
    [InlineData("081-234-5678")]
    [InlineData("08-1234-5678")]
    [InlineData("tel:0612345678")]
    [InlineData("call 095 555 1234 after school")]
    [InlineData("+66812345678")]
    [InlineData("+66 (0) 81 234 5678")]
    [InlineData("66 81 234 5678")]
    [InlineData("0066 81 234 5678")]
    [InlineData("02-123-4567")]
    [InlineData("053-123-456")]
    [InlineData("+855 12 345 678")]
    [InlineData("+1 (555) 123-4567")]
    [InlineData("๐๘๑-๒๓๔-๕๖๗๘")]
    [InlineData("081\u2013234\u20135678")]
    public void Phone_numbers_in_their_usual_layouts_are_found(string text) =>
        Assert.Equal(PersonalDataKind.PhoneNumber, PersonalDataGuard.Find(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("STATELESS")]
    [InlineData("AGE_18_PLUS")]
    [InlineData("20250701")]
    [InlineData("09-10-2025 12:30")]
    [InlineData("TH-50 TH-57 TH-63")]
    [InlineData("5001 5002 5003")]
    [InlineData("12.5")]
    [InlineData("+66")]
    [InlineData("+1234")]
    [InlineData("1300")]
    public void Codes_counts_and_dates_of_this_API_pass(string? text) =>
        Assert.Null(PersonalDataGuard.Find(text));

    [Fact]
    public void A_national_id_is_reported_before_a_phone_number_or_an_email_address_in_the_same_text() =>
        Assert.Equal(PersonalDataKind.NationalId, PersonalDataGuard.Find("0812345678 somchai@example.org 1101700230716"));

    [Fact]
    public void Long_text_is_read_whole()
    {
        var padding = new string('x', 5_000);
        Assert.Equal(PersonalDataKind.PhoneNumber, PersonalDataGuard.Find(padding + " 081-234-5678 " + padding));
        Assert.Null(PersonalDataGuard.Find(padding + string.Concat(Enumerable.Repeat(" 2025-07-01", 500))));
    }

    [Fact]
    public void A_refusal_names_the_field_and_the_kind_and_never_the_text()
    {
        var refusal = Assert.Throws<RuleRefusedException>(() => PersonalDataGuard.EnsureNone("input.reason", "call 081-234-5678"));

        Assert.Equal("PII_NOT_ALLOWED", refusal.Code);
        Assert.Equal("input.reason", refusal.Details!["field"]);
        Assert.Equal("PHONE_NUMBER", refusal.Details["kind"]);
        Assert.Contains("input.reason", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("234", refusal.Message, StringComparison.Ordinal);
    }
}
