namespace PartnerGraph.GraphQL.Common;

/// <summary>Every code a partner can meet in extensions.code, named once.</summary>
public static class ErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string InvalidJson = "INVALID_JSON";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string NotAcceptable = "NOT_ACCEPTABLE";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";
    public const string Unauthenticated = PartnerGraph.Identity.CallerResolver.Unauthenticated;
    public const string InvalidToken = PartnerGraph.Identity.CallerResolver.InvalidToken;
    public const string ClientDisabled = PartnerGraph.Identity.CallerResolver.ClientDisabled;
    public const string InternalError = "INTERNAL_ERROR";
    public const string DatabaseUnavailable = PartnerGraph.Data.DatabaseAvailability.UnavailableCode;

    public const string InvalidId = "INVALID_ID";
    public const string InvalidCursor = "INVALID_CURSOR";
    public const string InvalidPagination = "INVALID_PAGINATION";
    public const string PageSizeTooLarge = "PAGE_SIZE_TOO_LARGE";
    public const string InvalidProvinceCode = "INVALID_PROVINCE_CODE";
    public const string UnknownProvince = "UNKNOWN_PROVINCE";
    public const string UnknownDistrict = "UNKNOWN_DISTRICT";
    public const string UnknownOrganisation = "UNKNOWN_ORGANISATION";
    public const string UnknownProgramme = "UNKNOWN_PROGRAMME";
    public const string InvalidPeriod = "INVALID_PERIOD";
    public const string InvalidGroupBy = "INVALID_GROUP_BY";
    public const string AgreementRequired = "AGREEMENT_REQUIRED";
    public const string AgreementExpired = "AGREEMENT_EXPIRED";
    public const string GranularityNotAllowed = "GRANULARITY_NOT_ALLOWED";

    public const string ReferralNotFound = "REFERRAL_NOT_FOUND";
    public const string ConcurrentUpdate = "CONCURRENT_UPDATE";
    public const string ReferralTransitionNotAllowed = PartnerGraph.Domain.Referrals.ReferralProblemCodes.TransitionNotAllowed;
    public const string ReasonRequired = PartnerGraph.Domain.Referrals.ReferralProblemCodes.ReasonRequired;
    public const string ConsentRequired = PartnerGraph.Domain.Referrals.ReferralProblemCodes.ConsentRequired;
    public const string CoverageReportNotFound = "COVERAGE_REPORT_NOT_FOUND";
    public const string InvalidCoverageReport = PartnerGraph.Domain.Programmes.CoverageProblemCodes.InvalidCoverageReport;
    public const string NotAProgrammePartner = PartnerGraph.Domain.Programmes.CoverageProblemCodes.NotAProgrammePartner;
    public const string CoverageReportExists = PartnerGraph.Domain.Programmes.CoverageProblemCodes.ReportAlreadySubmitted;
    public const string CoverageReviewNotAllowed = PartnerGraph.Domain.Programmes.CoverageProblemCodes.ReviewNotAllowed;
    public const string InvalidReferral = PartnerGraph.Domain.Referrals.ReferralProblemCodes.InvalidReferral;

    public const string PiiNotAllowed = PartnerGraph.Domain.PersonalData.PersonalDataGuard.Code;
    public const string InvalidCase = PartnerGraph.Domain.Cases.CaseProblemCodes.InvalidCase;
    public const string DistrictNotInProvince = PartnerGraph.Domain.Cases.CaseProblemCodes.DistrictNotInProvince;
    public const string ProvinceNotAllowed = PartnerGraph.Domain.Cases.CaseProblemCodes.ProvinceNotAllowed;

    public const string MaxDepthExceeded = "MAX_DEPTH_EXCEEDED";
    public const string MaxCostExceeded = "MAX_COST_EXCEEDED";
    public const string MaxAliasesExceeded = "MAX_ALIASES_EXCEEDED";
    public const string MaxFieldRepeatsExceeded = "MAX_FIELD_REPEATS_EXCEEDED";
    public const string MaxListItemsExceeded = "MAX_LIST_ITEMS_EXCEEDED";

    /// <summary>A subscription sent where no stream can carry it (plain POST or GET): it needs WebSocket or Server-Sent Events.</summary>
    public const string SubscriptionRequiresStream = "SUBSCRIPTION_REQUIRES_STREAM";
    public const string RateLimited = "RATE_LIMITED";
    public const string TooManyConnections = "TOO_MANY_CONNECTIONS";
    public const string TooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS";
    public const string PersistedDocumentRequired = "PERSISTED_DOCUMENT_REQUIRED";
    public const string PersistedDocumentNotFound = "PERSISTED_DOCUMENT_NOT_FOUND";

    /// <summary>Apollo's automatic persisted queries: the hash is not known, send the document with it (the protocol's code).</summary>
    public const string PersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND";

    /// <summary>Apollo's automatic persisted queries: the document sent is not the one of the hash sent with it.</summary>
    public const string PersistedQueryHashMismatch = "PERSISTED_QUERY_HASH_MISMATCH";

    /// <summary>Apollo's automatic persisted queries: a version of the protocol other than 1 (Apollo's clients then stop using it).</summary>
    public const string PersistedQueryNotSupported = "PERSISTED_QUERY_NOT_SUPPORTED";
    public const string Timeout = "TIMEOUT";

    public const string WebhookUrlInvalid = "WEBHOOK_URL_INVALID";
    public const string WebhookHttpsRequired = "WEBHOOK_HTTPS_REQUIRED";
    public const string WebhookHostNotFound = "WEBHOOK_HOST_NOT_FOUND";

    /// <summary>The url is, or resolves to, an address webhooks may not reach (loopback, private, link-local, metadata ...).</summary>
    public const string WebhookAddressNotAllowed = "WEBHOOK_ADDRESS_NOT_ALLOWED";
    public const string WebhookDocumentInvalid = "WEBHOOK_DOCUMENT_INVALID";
    public const string WebhookVariablesInvalid = "WEBHOOK_VARIABLES_INVALID";
    public const string WebhookNotFound = "WEBHOOK_NOT_FOUND";
    public const string WebhookLimitReached = "WEBHOOK_LIMIT_REACHED";
}
