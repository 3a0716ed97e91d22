using System.Collections.Immutable;
using Akka.Persistence.Journal;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Persistence;

/// <summary>Tags every account event so the read side can follow them all with one EventsByTag query.</summary>
public sealed class AccountEventTagger : IWriteEventAdapter
{
    public const string Tag = "account";

    private static readonly IImmutableSet<string> Tags = ImmutableHashSet.Create(Tag);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is AccountEvent ? new Tagged(evt, Tags) : evt;
}
