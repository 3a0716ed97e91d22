using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using BankAccounts.Testing;

namespace BankAccounts.Actors.Tests;

/// <summary>
/// An entity that defers an answer while its events are being written sends the journal a batch with no events in it.
/// The journal must answer it as done: counted as a failure, such batches opened its circuit breaker under load.
/// </summary>
public sealed class JournalEmptyWriteSpecs : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly AccountsTestHost _host;

    public JournalEmptyWriteSpecs()
        : this(AccountsTestHost.Start())
    {
    }

    private JournalEmptyWriteSpecs(AccountsTestHost host)
        : base(host.System)
    {
        _host = host;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Should_answer_a_batch_holding_only_a_deferred_message_as_written()
    {
        var writer = CreateTestProbe();

        Journal.Tell(new WriteMessages([Deferred("deferred answer", writer.Ref)], writer.Ref, 1));

        writer.ExpectMsg<WriteMessagesSuccessful>(Patience);
        Assert.Equal("deferred answer", writer.ExpectMsg<LoopMessageSuccess>(Patience).Message);
    }

    [Fact]
    public void Should_keep_writing_events_after_more_deferred_only_batches_than_the_breaker_tolerates()
    {
        var writer = CreateTestProbe();
        var maxFailures = _host.System.Settings.Config.GetInt("akka.persistence.journal.sql.circuit-breaker.max-failures");
        for (var i = 0; i <= maxFailures; i++)
        {
            Journal.Tell(new WriteMessages([Deferred(i, writer.Ref)], writer.Ref, 1));
            writer.ExpectMsg<WriteMessagesSuccessful>(Patience);
            writer.ExpectMsg<LoopMessageSuccess>(Patience);
        }

        var persistenceId = $"empty-write-spec-{Guid.NewGuid():N}";
        var write = new AtomicWrite(new Persistent("an event", 1, persistenceId, sender: writer.Ref, writerGuid: Guid.NewGuid().ToString()));
        Journal.Tell(new WriteMessages([write], writer.Ref, 1));

        writer.ExpectMsg<WriteMessagesSuccessful>(Patience);
        Assert.Equal(1, writer.ExpectMsg<WriteMessageSuccess>(Patience).Persistent.SequenceNr);
    }

    private IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(_host.System).JournalFor(null);

    /// <summary>What <c>DeferAsync</c> puts in the journal batch (internal to Akka.Persistence, hence reflection).</summary>
    private static IPersistentEnvelope Deferred(object payload, IActorRef sender) =>
        (IPersistentEnvelope)Activator.CreateInstance(
            typeof(WriteMessages).Assembly.GetType("Akka.Persistence.NonPersistentMessage", throwOnError: true)!,
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
            binder: null, args: [payload, sender], culture: null)!;
}
