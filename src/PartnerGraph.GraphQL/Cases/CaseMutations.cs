using System.Security.Cryptography;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Cases;

/// <summary>Case intake over GraphQL: one pseudonymised case at a time, for the caller's own organisation.</summary>
public sealed class CaseMutations(GeographyCatalogue geography) : IRootFields
{
    public RootOperation Operation => RootOperation.Mutation;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<RecordCasePayloadType>, RecordCasePayload>("recordCase")
            .Description("Records one pseudonymised case for the caller's organisation. Every problem of the input is an error with its code (PII_NOT_ALLOWED, INVALID_CASE, INVALID_PROVINCE_CODE, UNKNOWN_PROVINCE, UNKNOWN_DISTRICT, DISTRICT_NOT_IN_PROVINCE, PROVINCE_NOT_ALLOWED), and then nothing is written.")
            .Argument<NonNullGraphType<RecordCaseInputType>>("input", "The pseudonymised case: no name, identity number or free text.")
            .RequireScopes(Scopes.CasesWrite)
            .ResolveAsync(async c => await RecordAsync(c));
    }

    // Nothing here is logged: the input is a child's case, and a refused one may hold personal data.
    private async Task<RecordCasePayload> RecordAsync(IResolveFieldContext c)
    {
        var request = c.Request();
        await using var db = await c.OpenDatabaseAsync();
        await db.RetryingAsync(async ct =>
        {
            var organisation = await db.Organisations.Include(o => o.Provinces).FirstOrDefaultAsync(o => o.Id == request.Caller.OrganisationId, ct)
                ?? throw new UserError(ErrorCodes.UnknownOrganisation, "Your organisation is not registered; ask the Anti-Human Trafficking Division.");

            // Recording is not reading: no sharing agreement is needed, but only a GOVERNMENT organisation records outside the provinces it operates in.
            var result = c.GetArgument<RecordCaseInput>("input").ToDraft().Validate(CaseRecorder.Of(organisation), geography.ForCaseIntake(), request.Clock);
            if (result.Record is null)
            {
                throw Refuse(c, result.Problems);
            }

            db.CaseRecords.Add(result.Record);
            return await db.SaveChangesAsync(ct);
        }, c.CancellationToken);
        return new RecordCasePayload(true, "CASE-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
    }

    /// <summary>One error per problem, in order: all but the last are added to the result, the last is thrown.</summary>
    private static UserError Refuse(IResolveFieldContext c, IReadOnlyList<CaseProblem> problems)
    {
        var errors = problems.Select(p => new UserError(p.Code, $"{p.Field.InputName()} {p.Message}") { Path = c.Path }).ToList();
        foreach (var error in errors.SkipLast(1))
        {
            c.Errors.Add(error);
        }

        return errors[^1];
    }
}
