using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Referrals;

/// <summary>The referral workflow through the real server: ATD sends, a shelter receives.</summary>
public sealed class ReferralMutationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Create = """
        mutation($input: CreateReferralInput!) {
          createReferral(input: $input) { referral { id reference kind status version destinationCountry fromOrganisation { slug } toOrganisation { slug } consent { givenBy } history { status } } change { sequence status } }
        }
        """;

    private static string Move(string field) =>
        $$"""mutation($input: ReferralTransitionInput!) { {{field}}(input: $input) { referral { status version history { status reason changedBy { slug } } } change { sequence previousStatus status reason } } }""";

    private static object Domestic(object? consent = null) => new
    {
        input = new { toOrganisation = TestDatabase.ShelterOrganisation, kind = "DOMESTIC", urgency = "URGENT", services = new[] { "SHELTER", "PSYCHOSOCIAL" }, consent = consent ?? new { givenBy = "CHILD" } },
    };

    [Fact]
    public async Task A_referral_goes_from_submitted_to_completed_and_every_change_is_in_history_and_outbox()
    {
        var receiver = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var created = (await fixture.Client.PostAsync(Create, Domestic())).AssertNoErrors().Data!["createReferral"]!;
        var id = created["referral"]!["id"]!.GetValue<string>();
        Assert.Equal("SUBMITTED", created["referral"]!["status"]!.GetValue<string>());
        Assert.Equal("atd", created["referral"]!["fromOrganisation"]!["slug"]!.GetValue<string>());
        Assert.Matches("^REF-\\d{4}-\\d{6}$", created["referral"]!["reference"]!.GetValue<string>());

        var sequences = new List<long> { created["change"]!["sequence"]!.GetValue<long>() };
        var version = 1;
        foreach (var field in new[] { "acknowledgeReferral", "acceptReferral", "startReferralService", "completeReferral" })
        {
            var moved = (await receiver.PostAsync(Move(field), new { input = new { referralId = id, expectedVersion = version } })).AssertNoErrors().Data![field]!;
            version++;
            Assert.Equal(version, moved["referral"]!["version"]!.GetValue<int>());
            sequences.Add(moved["change"]!["sequence"]!.GetValue<long>());
        }

        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        await using var db = await fixture.App.OpenDatabaseAsync();
        var referralId = (await db.Referrals.SingleAsync(r => r.Reference == created["referral"]!["reference"]!.GetValue<string>())).Id;
        var history = await db.ReferralStatusChanges.Where(h => h.ReferralId == referralId).OrderBy(h => h.Sequence).ToListAsync();
        var outbox = await db.OutboxEvents.Where(e => e.ReferralId == referralId).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(sequences, history.Select(h => h.Sequence));
        Assert.Equal(sequences, outbox.Select(e => e.Sequence));
        Assert.All(outbox, e => Assert.Equal(("atd", TestDatabase.ShelterOrganisation), (e.FromOrganisationId, e.ToOrganisationId)));
        Assert.Equal(
            [ReferralStatus.Submitted, ReferralStatus.Acknowledged, ReferralStatus.Accepted, ReferralStatus.InService, ReferralStatus.Completed],
            history.Select(h => h.Status));
    }

    [Fact]
    public async Task A_refused_move_names_the_allowed_moves_and_changes_nothing()
    {
        var id = await CreateAsync();

        var response = await fixture.Client.PostAsync(Move("acceptReferral"), new { input = new { referralId = id, expectedVersion = 1 } });

        Assert.Equal("REFERRAL_TRANSITION_NOT_ALLOWED", response.FirstErrorCode);
        Assert.Contains("As its sender you may move it to WITHDRAWN", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var details = response.Errors![0]!["extensions"]!;
        Assert.Equal("SUBMITTED", details["from"]!.GetValue<string>());
        Assert.Equal("ACCEPTED", details["to"]!.GetValue<string>());
        Assert.Equal(["WITHDRAWN"], details["allowedMoves"]!.AsArray().Select(m => m!.GetValue<string>()));
        await AssertUnchangedAsync(id, ReferralStatus.Submitted, 1);
    }

    [Fact]
    public async Task A_stale_version_is_a_concurrent_update_and_changes_nothing()
    {
        var receiver = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var id = await CreateAsync();
        (await receiver.PostAsync(Move("acknowledgeReferral"), new { input = new { referralId = id, expectedVersion = 1 } })).AssertNoErrors();

        var stale = await fixture.Client.PostAsync(Move("withdrawReferral"), new { input = new { referralId = id, expectedVersion = 1 } });

        Assert.Equal("CONCURRENT_UPDATE", stale.FirstErrorCode);
        Assert.Contains("ACKNOWLEDGED at version 2", stale.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ACKNOWLEDGED", stale.Errors![0]!["extensions"]!["currentStatus"]!.GetValue<string>());
        Assert.Equal(2, stale.Errors![0]!["extensions"]!["currentVersion"]!.GetValue<int>());
        await AssertUnchangedAsync(id, ReferralStatus.Acknowledged, 2);
    }

    [Fact]
    public async Task Two_changes_racing_on_one_referral_one_wins_and_the_other_is_told()
    {
        var receiver = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var id = await CreateAsync();

        // Both read version 1; the receiver acknowledges while the sender withdraws.
        var results = await Task.WhenAll(
            receiver.PostAsync(Move("acknowledgeReferral"), new { input = new { referralId = id, expectedVersion = 1 } }),
            fixture.Client.PostAsync(Move("withdrawReferral"), new { input = new { referralId = id, expectedVersion = 1 } }));

        Assert.Single(results, r => r.Errors is null);
        Assert.Single(results, r => r.FirstErrorCode == "CONCURRENT_UPDATE");
        await using var db = await fixture.App.OpenDatabaseAsync();
        var referral = await db.Referrals.SingleAsync(r => r.Id == Key(id));
        Assert.Equal(2, referral.Version);
        Assert.Equal(2, await db.ReferralStatusChanges.CountAsync(h => h.ReferralId == referral.Id));
        Assert.Equal(2, await db.OutboxEvents.CountAsync(e => e.ReferralId == referral.Id));
    }

    [Fact]
    public async Task Declining_needs_a_reason_free_of_personal_data_and_keeps_it_in_history()
    {
        var receiver = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var id = await CreateAsync();
        (await receiver.PostAsync(Move("acknowledgeReferral"), new { input = new { referralId = id, expectedVersion = 1 } })).AssertNoErrors();

        Assert.Equal("REASON_REQUIRED", (await receiver.PostAsync(Move("declineReferral"), new { input = new { referralId = id, expectedVersion = 2 } })).FirstErrorCode);
        var pii = await receiver.PostAsync(Move("declineReferral"), new { input = new { referralId = id, expectedVersion = 2, reason = "ask the mother, 089 123 4567" } });
        Assert.Equal("PII_NOT_ALLOWED", pii.FirstErrorCode);
        Assert.DoesNotContain("4567", pii.Body.ToJsonString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(id, ReferralStatus.Acknowledged, 2);

        var declined = (await receiver.PostAsync(Move("declineReferral"), new { input = new { referralId = id, expectedVersion = 2, reason = "No place for girls this month" } })).AssertNoErrors();
        Assert.Equal("No place for girls this month", declined.Data!["declineReferral"]!["change"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_consent_no_referral_is_made()
    {
        await using var db = await fixture.App.OpenDatabaseAsync();
        var before = await db.Referrals.CountAsync();

        var response = await fixture.Client.PostAsync(Create, new { input = new { toOrganisation = TestDatabase.ShelterOrganisation, kind = "DOMESTIC", services = new[] { "SHELTER" } } });

        Assert.Equal("CONSENT_REQUIRED", response.FirstErrorCode);
        Assert.Equal(before, await db.Referrals.CountAsync());
    }

    [Fact]
    public async Task A_transnational_referral_names_the_receivers_country()
    {
        var wrong = await fixture.Client.PostAsync(Create, new { input = new { toOrganisation = "mm-dsw", kind = "DOMESTIC", services = new[] { "REPATRIATION" }, consent = new { givenBy = "PARENT_OR_GUARDIAN" } } });
        Assert.Equal("INVALID_REFERRAL", wrong.FirstErrorCode);

        var right = (await fixture.Client.PostAsync(Create, new { input = new { toOrganisation = "mm-dsw", kind = "TRANSNATIONAL", destinationCountry = "MM", services = new[] { "REPATRIATION", "FAMILY_TRACING" }, consent = new { givenBy = "PARENT_OR_GUARDIAN" } } })).AssertNoErrors();
        Assert.Equal("TRANSNATIONAL", right.Data!["createReferral"]!["referral"]!["kind"]!.GetValue<string>());
        Assert.Equal("MM", right.Data!["createReferral"]!["referral"]!["destinationCountry"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_organisations_referral_cannot_be_moved_or_even_found()
    {
        // A referral between two other organisations, from the demo data.
        await using var db = await fixture.App.OpenDatabaseAsync();
        var foreign = await db.Referrals.FirstAsync(r => r.FromOrganisationId != "atd" && r.ToOrganisationId != "atd");

        var moved = await fixture.Client.PostAsync(Move("withdrawReferral"), new { input = new { referralId = Id(foreign.Id), expectedVersion = foreign.Version } });
        var read = await fixture.Client.PostAsync("query($id: ID!) { referral(id: $id) { status } }", new { id = Id(foreign.Id) });

        Assert.Equal("REFERRAL_NOT_FOUND", moved.FirstErrorCode);
        Assert.Null(read.AssertNoErrors().Data!["referral"]);
        await using var after = await fixture.App.OpenDatabaseAsync();
        var unchanged = await after.Referrals.SingleAsync(r => r.Id == foreign.Id);
        Assert.Equal((foreign.Status, foreign.Version), (unchanged.Status, unchanged.Version));
    }

    [Fact]
    public async Task A_caller_without_referrals_write_does_not_see_the_mutations()
    {
        var integrator = await fixture.App.GraphQLAsync("demo-integrator", "demo-secret-integrator");

        await using var db = await fixture.App.OpenDatabaseAsync();
        var before = await db.Referrals.CountAsync();

        var response = await integrator.PostAsync("""mutation { createReferral(input: { toOrganisation: "atd", kind: DOMESTIC, services: [SHELTER], consent: { givenBy: CHILD } }) { referral { id } } }""");

        Assert.Null(response.Data);
        // The integrator has mutations of its own (webhooks.manage), none of them createReferral.
        Assert.StartsWith("Cannot query field 'createReferral' on type 'Mutation'.", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await db.Referrals.CountAsync());
    }

    [Fact]
    public async Task Two_changes_that_read_the_same_version_before_either_writes_one_wins_and_the_other_is_told()
    {
        var receiver = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var id = await CreateAsync();
        GraphQLResponse[] results;
        await using (var db = await fixture.App.OpenDatabaseAsync())
        {
            // Both read version 1 while another writer holds the turn; the first to write wins, the second finds the
            // version moved when it writes (not when it reads).
            await using var other = await db.Database.BeginTransactionAsync();
            var racing = Task.WhenAll(
                receiver.PostAsync(Move("acknowledgeReferral"), new { input = new { referralId = id, expectedVersion = 1 } }),
                fixture.Client.PostAsync(Move("withdrawReferral"), new { input = new { referralId = id, expectedVersion = 1 } }));
            await Task.Delay(500);
            Assert.False(racing.IsCompleted);
            await other.CommitAsync();
            results = await racing;
        }

        Assert.Single(results, r => r.Errors is null);
        var stale = Assert.Single(results, r => r.FirstErrorCode == "CONCURRENT_UPDATE");
        Assert.Contains("at version 2", stale.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertUnchangedAsync(id, results[0].Errors is null ? ReferralStatus.Acknowledged : ReferralStatus.Withdrawn, 2);
    }

    [Fact]
    public async Task A_change_that_waits_for_another_writer_is_stamped_when_it_is_recorded()
    {
        var id = await CreateAsync();
        DateTime released;
        Task<GraphQLResponse> creating, withdrawing;
        await using (var db = await fixture.App.OpenDatabaseAsync())
        {
            // Another writer holds the database's write turn while both mutations arrive.
            await using var other = await db.Database.BeginTransactionAsync();
            creating = fixture.Client.PostAsync(Create, Domestic());
            withdrawing = fixture.Client.PostAsync(
                "mutation($input: ReferralTransitionInput!) { withdrawReferral(input: $input) { change { changedAt } } }",
                new { input = new { referralId = id, expectedVersion = 1, reason = "Placed with family" } });
            await Task.Delay(500);
            Assert.False(creating.IsCompleted || withdrawing.IsCompleted);
            released = DateTime.UtcNow;
            await other.CommitAsync();
        }

        var created = (await creating).AssertNoErrors().Data!["createReferral"]!["referral"]!["id"]!.GetValue<string>();
        var withdrawn = (await withdrawing).AssertNoErrors().Data!["withdrawReferral"]!["change"]!["changedAt"]!.GetValue<DateTime>();
        Assert.True(withdrawn.ToUniversalTime() >= released, $"changedAt {withdrawn:O} is before the write turn came at {released:O}");
        await using var check = await fixture.App.OpenDatabaseAsync();
        var history = await check.ReferralStatusChanges.Where(h => h.ReferralId == Key(created) || h.ReferralId == Key(id)).OrderBy(h => h.Sequence).ToListAsync();
        Assert.All(history.Skip(1), h => Assert.True(h.ChangedAt >= released, $"sequence {h.Sequence} changedAt {h.ChangedAt:O} is before {released:O}"));
        Assert.Equal(history.Select(h => h.ChangedAt).Order(), history.Select(h => h.ChangedAt));
    }

    private async Task<string> CreateAsync() =>
        (await fixture.Client.PostAsync(Create, Domestic())).AssertNoErrors().Data!["createReferral"]!["referral"]!["id"]!.GetValue<string>();

    private async Task AssertUnchangedAsync(string id, ReferralStatus status, int version)
    {
        await using var db = await fixture.App.OpenDatabaseAsync();
        var referral = await db.Referrals.SingleAsync(r => r.Id == Key(id));
        Assert.Equal((status, version), (referral.Status, referral.Version));
        Assert.Equal(version, await db.ReferralStatusChanges.CountAsync(h => h.ReferralId == referral.Id));
        Assert.Equal(version, await db.OutboxEvents.CountAsync(e => e.ReferralId == referral.Id));
    }

    private static long Key(string id) => PartnerGraph.GraphQL.Common.GlobalId.DecodeLong(id, "Referral");

    private static string Id(long key) => PartnerGraph.GraphQL.Common.GlobalId.Encode("Referral", key);
}
