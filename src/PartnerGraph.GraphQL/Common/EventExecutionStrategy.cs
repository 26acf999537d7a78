using GraphQL;
using GraphQL.Execution;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Subscriptions as GraphQL.NET runs them, except that each event is resolved with a request context of its own, so
/// the batch loaders read the referral as it is now and not as an earlier event cached it.
/// </summary>
public sealed class EventExecutionStrategy : SubscriptionExecutionStrategy
{
    protected override ValueTask<ExecutionResult> ProcessDataAsync(ExecutionContext context, ExecutionNode node, object? value)
    {
        if (context.UserContext is RequestContext request)
        {
            context.UserContext = request.ForEvent();
        }

        return base.ProcessDataAsync(context, node, value);
    }
}
