namespace BankAccounts.Api.Contracts;

/// <summary>
/// The last event of a live feed the server ends (<c>overflow</c>, <c>shutdown</c>, <c>unavailable</c>):
/// why, and where to resume. Nothing after <see cref="LastEventId"/> was sent.
/// </summary>
/// <param name="Reason">The event type again: <c>overflow</c>, <c>shutdown</c> or <c>unavailable</c>.</param>
/// <param name="LastEventId">The id of the last event sent (or the position the feed started after): send it as <c>Last-Event-ID</c> to resume.</param>
/// <param name="Resume">The URL that resumes the feed right after <see cref="LastEventId"/>.</param>
public sealed record LiveFeedEnded(string Reason, string Detail, long LastEventId, string Resume);
