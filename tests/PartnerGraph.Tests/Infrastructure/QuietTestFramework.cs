using System.Reflection;
using PartnerGraph.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("PartnerGraph.Tests.Infrastructure.QuietTestFramework", "PartnerGraph.Tests")]

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// xunit's own framework, with a <see cref="ServerOutput"/> scope opened for each test collection, test class and test,
/// and the scopes' lines added to a failed test's output: the test runner shows them under that test only. The test
/// process's console is routed into the scopes too, so nothing a server prints reaches the run's output otherwise.
/// </summary>
public sealed class QuietTestFramework : XunitTestFramework
{
    public QuietTestFramework(IMessageSink messageSink)
        : base(messageSink)
    {
        Console.SetOut(new ServerOutput.ConsoleWriter("console"));
        Console.SetError(new ServerOutput.ConsoleWriter("console error"));
    }

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        /// <summary>
        /// xunit's own method waits for a free slot (at most as many collections at once as the machine has cores) and
        /// this one replaces it, so it waits the same way; without it every collection starts at once.
        /// </summary>
        private readonly SemaphoreSlim slots = new(executionOptions.MaxParallelThreadsOrDefault() is > 0 and var n ? n : Environment.ProcessorCount);

        protected override async Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource)
        {
            await slots.WaitAsync(cancellationTokenSource.Token);
            try
            {
                var scope = ServerOutput.Open($"the test collection {testCollection.DisplayName}", parent: null);
                return await new CollectionRunner(scope, testCollection, testCases, DiagnosticMessageSink, messageBus, TestCaseOrderer, new ExceptionAggregator(Aggregator), cancellationTokenSource).RunAsync();
            }
            finally
            {
                slots.Release();
            }
        }

        public override void Dispose()
        {
            slots.Dispose();
            base.Dispose();
        }
    }

    private sealed class CollectionRunner(ServerOutput scope, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageBus messageBus, ITestCaseOrderer testCaseOrderer, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
        : XunitTestCollectionRunner(testCollection, testCases, diagnosticMessageSink, messageBus, testCaseOrderer, aggregator, cancellationTokenSource)
    {
        protected override Task<RunSummary> RunTestClassAsync(ITestClass testClass, IReflectionTypeInfo @class, IEnumerable<IXunitTestCase> testCases)
        {
            // The class's scope is current while its fixtures start and its tests run; each test opens its own inside.
            var classScope = ServerOutput.Open($"the test class {testClass.Class.Name}", scope);
            return new ClassRunner(classScope, testClass, @class, testCases, DiagnosticMessageSink, MessageBus, TestCaseOrderer, new ExceptionAggregator(Aggregator), CancellationTokenSource, CollectionFixtureMappings).RunAsync();
        }
    }

    private sealed class ClassRunner(ServerOutput scope, ITestClass testClass, IReflectionTypeInfo @class, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageBus messageBus, ITestCaseOrderer testCaseOrderer, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource, IDictionary<Type, object> collectionFixtureMappings)
        : XunitTestClassRunner(testClass, @class, testCases, diagnosticMessageSink, messageBus, testCaseOrderer, aggregator, cancellationTokenSource, collectionFixtureMappings)
    {
        protected override Task<RunSummary> RunTestMethodAsync(ITestMethod testMethod, IReflectionMethodInfo method, IEnumerable<IXunitTestCase> testCases, object[] constructorArguments) =>
            new MethodRunner(scope, testMethod, Class, method, testCases, DiagnosticMessageSink, MessageBus, new ExceptionAggregator(Aggregator), CancellationTokenSource, constructorArguments).RunAsync();
    }

    private sealed class MethodRunner(ServerOutput classScope, ITestMethod testMethod, IReflectionTypeInfo @class, IReflectionMethodInfo method, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageBus messageBus, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource, object[] constructorArguments)
        : XunitTestMethodRunner(testMethod, @class, method, testCases, diagnosticMessageSink, messageBus, aggregator, cancellationTokenSource, constructorArguments)
    {
        private readonly IMessageSink diagnosticMessageSink = diagnosticMessageSink;
        private readonly object[] constructorArguments = constructorArguments;

        protected override async Task<RunSummary> RunTestCaseAsync(IXunitTestCase testCase)
        {
            var scope = ServerOutput.Open($"the test {testCase.DisplayName}", classScope);
            using var bus = new FailureOutputBus(MessageBus, scope);
            return await testCase.RunAsync(diagnosticMessageSink, bus, constructorArguments, new ExceptionAggregator(Aggregator), CancellationTokenSource);
        }
    }

    /// <summary>Passes every message on; a failed test's gets the lines of its scope (and the scopes around it) added to its output.</summary>
    internal sealed class FailureOutputBus(IMessageBus inner, ServerOutput scope) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed)
            {
                var printed = scope.Render();
                if (printed.Length > 0)
                {
                    message = new TestFailed(failed.Test, failed.ExecutionTime, failed.Output + printed, failed.ExceptionTypes, failed.Messages, failed.StackTraces, failed.ExceptionParentIndices);
                }
            }

            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
        }
    }
}
