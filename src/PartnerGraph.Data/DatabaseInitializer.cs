using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data.ReferenceData;

namespace PartnerGraph.Data;

/// <summary>Brings a database to the current model and loads the reference geography.</summary>
public static class DatabaseInitializer
{
    public static async Task MigrateAsync(PartnerGraphDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside one writer and several server processes share one file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await LoadGeographyAsync(db, cancellationToken);
    }

    /// <summary>Inserts the provinces and districts that are missing; running it again changes nothing.</summary>
    public static async Task LoadGeographyAsync(PartnerGraphDbContext db, CancellationToken cancellationToken = default)
    {
        var provinces = await db.Provinces.ToDictionaryAsync(p => p.Code, cancellationToken);
        foreach (var province in Geography.ReadProvinces())
        {
            if (!provinces.ContainsKey(province.Code))
            {
                db.Provinces.Add(province);
            }
        }

        var districts = await db.Districts.ToDictionaryAsync(d => d.Code, cancellationToken);
        foreach (var district in Geography.ReadDistricts())
        {
            if (!districts.ContainsKey(district.Code))
            {
                db.Districts.Add(district);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
