using System.ComponentModel;

namespace PartnerGraph.Domain.Referrals;

public enum ReferralStatus
{
    [Description("Sent by the sender; the receiver has not answered yet.")]
    Submitted,
    [Description("The receiver has seen it and is deciding.")]
    Acknowledged,
    [Description("The receiver will provide the services.")]
    Accepted,
    [Description("The receiver will not provide the services (with a reason). Final.")]
    Declined,
    [Description("The receiver is providing the services.")]
    InService,
    [Description("The services are done. Final.")]
    Completed,
    [Description("The sender took it back before services started. Final.")]
    Withdrawn,
}

/// <summary>The side of a referral an organisation stands on.</summary>
public enum ReferralParty
{
    Sender,
    Receiver,
}
