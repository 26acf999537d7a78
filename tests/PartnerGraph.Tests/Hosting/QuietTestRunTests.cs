using PartnerGraph.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PartnerGraph.Tests.Hosting;

/// <summary>What the test run shows of the servers' output: only under a failed test, with the scopes around it.</summary>
public sealed class QuietTestRunTests
{
    [Fact]
    public void A_failed_test_carries_what_its_servers_and_its_class_fixtures_printed_and_a_passed_one_does_not()
    {
        var messages = new List<IMessageSinkMessage>();
        var test = ThisTest();
        var (classScope, testScope) = Scopes();
        classScope.Add("fixture server", "Now listening on: http://localhost:5080");
        testScope.Add("server process 42", "fail: something the test needs to see");

        using var bus = new QuietTestFramework.FailureOutputBus(new ListBus(messages), testScope);
        bus.QueueMessage(new TestPassed(test, 1m, "own output"));
        bus.QueueMessage(new TestFailed(test, 1m, "own output", ["Xunit.Sdk.TrueException"], ["Assert.True() Failure"], ["at a test"], [-1]));

        Assert.Equal("own output", Assert.IsType<TestPassed>(messages[0]).Output);
        var failed = Assert.IsType<TestFailed>(messages[1]);
        Assert.StartsWith("own output", failed.Output, StringComparison.Ordinal);
        Assert.Contains("[server process 42] fail: something the test needs to see", failed.Output, StringComparison.Ordinal);
        Assert.Contains("[fixture server] Now listening on: http://localhost:5080", failed.Output, StringComparison.Ordinal);
        Assert.True(failed.Output.IndexOf("server process 42", StringComparison.Ordinal) < failed.Output.IndexOf("fixture server", StringComparison.Ordinal), "the test's own lines come first");
        Assert.Equal(["Assert.True() Failure"], failed.Messages);
    }

    [Fact]
    public async Task A_server_started_in_a_test_writes_to_that_test_even_from_another_thread()
    {
        var (_, testScope) = Scopes();
        var write = ServerOutput.Writer("server");

        await Task.Run(() => write("from a thread of the server"));

        Assert.Contains("[server] from a thread of the server", testScope.Render(), StringComparison.Ordinal);
    }

    /// <summary>A class scope and a test scope inside it, the test's current here (each test runs in a flow of its own).</summary>
    private static (ServerOutput Class, ServerOutput Test) Scopes()
    {
        var classScope = ServerOutput.Open("the test class C", parent: null);
        return (classScope, ServerOutput.Open("the test T", classScope));
    }

    private sealed class ListBus(List<IMessageSinkMessage> messages) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            messages.Add(message);
            return true;
        }

        public void Dispose()
        {
        }
    }

    private static XunitTest ThisTest()
    {
        var assembly = new TestAssembly(Reflector.Wrap(typeof(QuietTestRunTests).Assembly));
        var testClass = new TestClass(new TestCollection(assembly, null, "a collection"), Reflector.Wrap(typeof(QuietTestRunTests)));
        var method = new TestMethod(testClass, Reflector.Wrap(typeof(QuietTestRunTests).GetMethod(nameof(A_failed_test_carries_what_its_servers_and_its_class_fixtures_printed_and_a_passed_one_does_not))!));
        return new XunitTest(new XunitTestCase(new NullMessageSink(), TestMethodDisplay.Method, TestMethodDisplayOptions.None, method), "a test");
    }
}
