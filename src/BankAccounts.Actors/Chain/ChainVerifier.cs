using BankAccounts.Actors.Serialization;

namespace BankAccounts.Actors.Chain;

/// <summary>One stored event as the chain sees it.</summary>
/// <param name="PreviousHash">The link the event carries (<c>metadata.previousHash</c>); null for an event written before the chain.</param>
/// <param name="StoredHash">The SHA-256 of the bytes the event is stored as.</param>
public sealed record ChainLink(long SequenceNr, string? PreviousHash, string StoredHash);

/// <summary>A head recorded elsewhere than the stream itself: the stored event at <paramref name="SequenceNr"/> must hash to it.</summary>
/// <param name="Source">Who recorded it, for the report: "snapshot", "live entity", "statement".</param>
public sealed record ChainAnchor(long SequenceNr, string Head, string Source);

/// <summary>How a link is broken.</summary>
public enum ChainBreakKind
{
    /// <summary>A sequence number is absent (an event was deleted), or the stream ends before an anchor.</summary>
    Missing,
    /// <summary>An event's stored bytes no longer hash to what its successor (or an anchor) recorded.</summary>
    Modified,
    /// <summary>An event that is not part of the chain: its successor links over it, it links to an earlier event, it is unchained after the chain started, or it lies beyond the head the live entity wrote.</summary>
    Inserted,
    /// <summary>A genuine event out of place: it links to an event stored at another position.</summary>
    Reordered,
    /// <summary>An event could not be read at all.</summary>
    Unreadable,
}

public sealed record ChainBreak(long SequenceNr, ChainBreakKind Kind, string Detail);

/// <param name="ChainStartsAt">The first chained event; events before it are an unchained legacy prefix. Null when no event is chained.</param>
/// <param name="Head">The stored hash of the last event read (the genesis of an empty stream).</param>
public sealed record ChainReport(
    string PersistenceId, bool Valid, long EventsChecked, long? ChainStartsAt, long LastSequenceNr, string Head, ChainBreak? Break);

/// <summary>
/// Checks one stream's hash chain and locates the first broken link. Pure: the links and anchors are read by the caller.
/// </summary>
/// <remarks>
/// Rules: a stream may begin with an unchained prefix (events written before the chain existed); the chain starts at
/// the first event carrying a link, which must be the hash of its predecessor's stored bytes (the genesis for event 1),
/// and every later event carrying a link must carry the hash of its predecessor (an event without one was written by a
/// node of an earlier release during a rolling upgrade; the next linked event vouches for its bytes). Anchors (snapshot heads, the live entity's head)
/// catch what a re-forged chain hides: the event at the anchor's sequence number must exist and hash to its head.
/// </remarks>
public static class ChainVerifier
{
    /// <param name="writtenThrough">The last sequence number the live entity wrote, asked after the stream was read: anything beyond it was not written by the entity.</param>
    public static ChainReport Verify(string persistenceId, IReadOnlyList<ChainLink> links, IEnumerable<ChainAnchor> anchors, long? writtenThrough = null)
    {
        var breaks = new List<ChainBreak>();
        if (WalkBreak(persistenceId, links) is { } walked)
        {
            breaks.Add(walked);
        }
        breaks.AddRange(AnchorBreaks(links, anchors));
        if (writtenThrough is { } through && links.Count > 0 && links[^1].SequenceNr > through)
        {
            breaks.Add(new ChainBreak(through + 1, ChainBreakKind.Inserted,
                $"the stream continues past event {through}, the last one its live entity wrote"));
        }
        var first = breaks.OrderBy(b => b.SequenceNr).FirstOrDefault();
        var startsAt = links.FirstOrDefault(l => l.PreviousHash is not null)?.SequenceNr;
        var head = links.Count > 0 ? links[^1].StoredHash : StoredEventHashes.Genesis(persistenceId);
        return new ChainReport(persistenceId, first is null, links.Count, startsAt, links.Count > 0 ? links[^1].SequenceNr : 0, head, first);
    }

    private static ChainBreak? WalkBreak(string persistenceId, IReadOnlyList<ChainLink> links)
    {
        var walker = new ChainWalker(persistenceId);
        for (var i = 0; i < links.Count; i++)
        {
            var suspect = walker.Next(links[i]);
            if (suspect is null)
            {
                continue;
            }
            return suspect.Kind == ChainBreakKind.Missing || links[i].PreviousHash is null
                ? suspect
                : Classify(links, i, walker.Expected(links[i].SequenceNr));
        }
        return null;
    }

    /// <summary>Event <paramref name="at"/> carries a link other than <paramref name="expected"/>: what happened?</summary>
    private static ChainBreak Classify(IReadOnlyList<ChainLink> links, int at, string expected)
    {
        var link = links[at];
        var seq = link.SequenceNr;
        var linkedPosition = IndexOfStored(links, link.PreviousHash!);
        // A genuine event links back to its own predecessor, wherever that now is; a forged or copied one is linked from nowhere.
        if (linkedPosition >= at || (linkedPosition >= 0 && links.Any(l => l.PreviousHash == link.StoredHash)))
        {
            return new ChainBreak(seq, ChainBreakKind.Reordered,
                $"event {seq} links to the event stored at {links[linkedPosition].SequenceNr}, not to its predecessor: events were moved");
        }
        if (at + 1 < links.Count && links[at + 1].PreviousHash == expected)
        {
            return new ChainBreak(seq, ChainBreakKind.Inserted, $"event {seq} is not in the chain: event {links[at + 1].SequenceNr} links over it to its predecessor");
        }
        if (linkedPosition >= 0)
        {
            return new ChainBreak(seq, ChainBreakKind.Inserted,
                $"event {seq} links to event {links[linkedPosition].SequenceNr}, which already has its successor: it was added to the stream");
        }
        if (at + 1 < links.Count && links[at + 1].PreviousHash != link.StoredHash)
        {
            return new ChainBreak(seq, ChainBreakKind.Modified,
                $"event {seq} was modified: it links to no stored event, and its stored bytes no longer hash to the link event {links[at + 1].SequenceNr} carries");
        }
        return at == 0 || links[at - 1].SequenceNr != seq - 1
            ? new ChainBreak(seq, ChainBreakKind.Modified, $"event {seq} does not link to the start of the stream's chain")
            : new ChainBreak(seq - 1, ChainBreakKind.Modified,
                $"event {seq - 1}'s stored bytes no longer hash to the link event {seq} carries: event {seq - 1} was modified");
    }

    private static int IndexOfStored(IReadOnlyList<ChainLink> links, string hash)
    {
        for (var i = 0; i < links.Count; i++)
        {
            if (links[i].StoredHash == hash)
            {
                return i;
            }
        }
        return -1;
    }

    private static IEnumerable<ChainBreak> AnchorBreaks(IReadOnlyList<ChainLink> links, IEnumerable<ChainAnchor> anchors)
    {
        var last = links.Count > 0 ? links[^1].SequenceNr : 0;
        foreach (var anchor in anchors)
        {
            if (anchor.SequenceNr > last)
            {
                yield return new ChainBreak(last + 1, ChainBreakKind.Missing,
                    $"the stream ends at event {last}, but the {anchor.Source} recorded a head at event {anchor.SequenceNr}");
                continue;
            }
            var at = links.FirstOrDefault(l => l.SequenceNr == anchor.SequenceNr);
            if (at is not null && at.StoredHash != anchor.Head)
            {
                yield return new ChainBreak(anchor.SequenceNr, ChainBreakKind.Modified,
                    $"event {anchor.SequenceNr}'s stored bytes do not hash to the head the {anchor.Source} recorded");
            }
        }
    }
}

/// <summary>
/// Follows one stream's chain event by event with constant memory and flags the first link that does not hold;
/// <see cref="ChainVerifier"/> then classifies it. The integrity check uses it on the whole journal in one pass.
/// </summary>
public sealed class ChainWalker(string persistenceId)
{
    private long _last;
    private string? _lastStoredHash;
    private bool _chained;

    /// <summary>What event <paramref name="sequenceNr"/> must link to (the next one, after the last event walked).</summary>
    public string Expected(long sequenceNr) => sequenceNr == 1 ? StoredEventHashes.Genesis(persistenceId) : _lastStoredHash ?? string.Empty;

    /// <summary>The next event of the stream (in sequence order); a break when its link does not hold.</summary>
    public ChainBreak? Next(ChainLink link)
    {
        if (link.SequenceNr != _last + 1)
        {
            return new ChainBreak(_last + 1, ChainBreakKind.Missing, link.SequenceNr == _last + 2
                ? $"event {_last + 1} is missing"
                : $"events {_last + 1} to {link.SequenceNr - 1} are missing");
        }
        ChainBreak? broken = null;
        // An event without a link, even after the chain started, was written by a node of an earlier release (a
        // rolling upgrade moved the account there for a while). It is protected like the legacy prefix: the next
        // linked event must link to its stored bytes, so changing or replacing it still breaks the chain.
        if (link.PreviousHash is not null && link.PreviousHash != Expected(link.SequenceNr))
        {
            broken = new ChainBreak(link.SequenceNr, ChainBreakKind.Modified, link.SequenceNr == 1
                ? "event 1 does not link to the stream's genesis"
                : $"event {link.SequenceNr} does not link to event {link.SequenceNr - 1}");
        }
        if (broken is not null)
        {
            return broken;
        }
        _chained |= link.PreviousHash is not null;
        _last = link.SequenceNr;
        _lastStoredHash = link.StoredHash;
        return null;
    }
}
