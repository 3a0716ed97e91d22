using System.Collections.Immutable;
using Akka.Persistence.Journal;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Persistence;

/// <summary>Tags account and transfer events so the read side can follow each kind with one EventsByTag query.</summary>
public sealed class EventTagger : IWriteEventAdapter
{
    public const string AccountTag = "account";
    public const string TransferTag = "transfer";

    private static readonly IImmutableSet<string> AccountTags = ImmutableHashSet.Create(AccountTag);
    private static readonly IImmutableSet<string> TransferTags = ImmutableHashSet.Create(TransferTag);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt switch
    {
        AccountEvent => new Tagged(evt, AccountTags),
        TransferEvent => new Tagged(evt, TransferTags),
        _ => evt,
    };
}
