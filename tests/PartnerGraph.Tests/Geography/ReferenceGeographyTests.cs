using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PartnerGraph.Data.ReferenceData;

namespace PartnerGraph.Tests.Geography;

/// <summary>The checks of the shipped geography's validator (ReferenceData/validate.py), kept as tests.</summary>
public sealed partial class ReferenceGeographyTests
{
    private static readonly IReadOnlyList<PartnerGraph.Domain.Geography.Province> Provinces = PartnerGraph.Data.ReferenceData.Geography.ReadProvinces();
    private static readonly IReadOnlyList<PartnerGraph.Domain.Geography.District> Districts = PartnerGraph.Data.ReferenceData.Geography.ReadDistricts();

    [Fact]
    public void There_are_77_provinces_with_unique_codes_and_names()
    {
        Assert.Equal(77, Provinces.Count);
        Assert.Equal(77, Provinces.Select(p => p.Code).Distinct().Count());
        Assert.Equal(77, Provinces.Select(p => p.IsoCode).Distinct().Count());
        Assert.Equal(77, Provinces.Select(p => p.NameTh).Distinct().Count());
        Assert.Equal(77, Provinces.Select(p => p.NameEn).Distinct().Count());
        Assert.All(Provinces, p =>
        {
            Assert.Matches("^[1-9][0-9]$", p.Code);
            Assert.Equal("TH-" + p.Code, p.IsoCode);
        });
    }

    [Fact]
    public void Pattaya_is_not_a_province()
    {
        Assert.DoesNotContain(Provinces, p => p.IsoCode == "TH-S" || p.NameEn.Contains("Pattaya", StringComparison.Ordinal));
    }

    [Fact]
    public void There_are_928_districts_with_unique_codes()
    {
        Assert.Equal(928, Districts.Count);
        Assert.Equal(928, Districts.Select(d => d.Code).Distinct().Count());
        Assert.Equal(928, Districts.Select(d => (d.ProvinceCode, d.NameEn)).Distinct().Count());
        Assert.Equal(928, Districts.Select(d => (d.ProvinceCode, d.NameTh)).Distinct().Count());
    }

    [Fact]
    public void Every_district_code_starts_with_its_province_code_and_every_province_has_districts()
    {
        var provinceCodes = Provinces.Select(p => p.Code).ToHashSet();
        Assert.All(Districts, d =>
        {
            Assert.Matches("^[0-9]{4}$", d.Code);
            Assert.Contains(d.ProvinceCode, provinceCodes);
            Assert.StartsWith(d.ProvinceCode, d.Code, StringComparison.Ordinal);
            var suffix = int.Parse(d.Code[2..], CultureInfo.InvariantCulture);
            Assert.InRange(suffix, 1, d.ProvinceCode == "10" ? 50 : 49);
        });
        Assert.All(Provinces, p => Assert.Contains(Districts, d => d.ProvinceCode == p.Code));
    }

    [Theory]
    [InlineData("10", "Bangkok", 50)]
    [InlineData("38", "Bueng Kan", 8)]
    public void Province_has_exactly_its_numbered_districts(string province, string name, int count)
    {
        Assert.Equal(name, Provinces.Single(p => p.Code == province).NameEn);
        var expected = Enumerable.Range(1, count).Select(i => $"{province}{i:00}");
        Assert.Equal(expected, Districts.Where(d => d.ProvinceCode == province).Select(d => d.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Names_are_clean_Thai_and_English()
    {
        var names = Provinces.Select(p => (Where: p.Code, p.NameTh, p.NameEn))
            .Concat(Districts.Select(d => (Where: d.Code, d.NameTh, d.NameEn)));
        Assert.All(names, n =>
        {
            Assert.True(n.NameTh.IsNormalized(NormalizationForm.FormC), n.Where);
            Assert.Matches(ThaiName(), n.NameTh);
            Assert.Matches(EnglishName(), n.NameEn);
            Assert.DoesNotMatch(AdministrativePrefix(), n.NameEn);
            Assert.DoesNotMatch("^(เขต|อำเภอ|กิ่งอำเภอ|จังหวัด)", n.NameTh);
            Assert.False(LooksSyllableSplit(n.NameEn), $"{n.Where}: {n.NameEn}");
        });
    }

    [Fact]
    public void Mueang_districts_carry_their_province_name()
    {
        foreach (var province in Provinces)
        {
            var mueang = Districts.SingleOrDefault(d => d.ProvinceCode == province.Code && d.NameTh == "เมือง" + province.NameTh);
            if (mueang is not null)
            {
                Assert.Equal("Mueang " + province.NameEn, mueang.NameEn);
            }
        }
    }

    [Theory]
    [InlineData("3801", "เมืองบึงกาฬ")]
    [InlineData("3808", "บุ่งคล้า")]
    [InlineData("5003", "แม่แจ่ม")]
    [InlineData("5025", "กัลยาณิวัฒนา")]
    [InlineData("5303", "ท่าปลา")]
    [InlineData("5304", "น้ำปาด")]
    public void Fixed_entries_stay_fixed(string code, string nameTh)
    {
        Assert.Equal(nameTh, Districts.Single(d => d.Code == code).NameTh);
    }

    [Fact]
    public void The_catalogue_serves_the_same_geography()
    {
        var catalogue = new GeographyCatalogue();
        Assert.Equal(77, catalogue.Provinces.Count);
        Assert.Equal(928, catalogue.Provinces.Sum(p => p.Districts.Count));
        Assert.Equal("Chiang Mai", catalogue.Province("50")!.NameEn);
        Assert.Equal("50", catalogue.District("5025")!.ProvinceCode);
    }

    [Theory]
    [InlineData("Kan La Ya Wi Nat Tha", true)]
    [InlineData("Ban Dan Lan Hoi", false)]
    [InlineData("Mueang Si Sa Ket", false)]
    public void The_romanisation_check_tells_split_syllables_from_real_names(string name, bool split)
    {
        Assert.Equal(split, LooksSyllableSplit(name));
    }

    /// <summary>A run of 5 short tokens, or of 4 with at least 2 of 2 letters or fewer (the validator's rule).</summary>
    private static bool LooksSyllableSplit(string name)
    {
        var run = new List<string>();
        foreach (var token in name.Split(' ').Append("<END>"))
        {
            if (token.Length <= 3 && token.All(char.IsLetter))
            {
                run.Add(token);
                continue;
            }

            if (run.Count >= 5 || (run.Count >= 4 && run.Count(t => t.Length <= 2) >= 2))
            {
                return true;
            }

            run.Clear();
        }

        return false;
    }

    [GeneratedRegex(@"^[\u0E00-\u0E7F]+(?:[ \-][\u0E00-\u0E7F]+)*$")]
    private static partial Regex ThaiName();

    [GeneratedRegex(@"^[A-Z][A-Za-z]*(?:[ \-][A-Za-z]+)*(?: \(\d{4}\))?$")]
    private static partial Regex EnglishName();

    [GeneratedRegex(@"^(Khet|Amphoe|King Amphoe|Changwat|Province|District)\b")]
    private static partial Regex AdministrativePrefix();
}
