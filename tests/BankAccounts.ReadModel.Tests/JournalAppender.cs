using Akka;
using Akka.Actor;
using Akka.Persistence;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// Appends events to any stream of a real journal, stored exactly as the app stores them (the serializer
/// and the tagger are bound by event type), to build histories the app itself should never write. Answers <see cref="Done"/> once the events sent are durable.
/// </summary>
internal sealed class JournalAppender : ReceivePersistentActor
{
    public JournalAppender(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<object>(_ => { });
        Command<object[]>(events =>
        {
            PersistAll(events, _ => { });
            DeferAsync(Done.Instance, done => Sender.Tell(done));
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new JournalAppender(persistenceId));
}
