using System.Text;
using BankAccounts.Actors.Chain;
using BankAccounts.Actors.Serialization;

namespace BankAccounts.Actors.Tests;

/// <summary>How <see cref="ChainVerifier"/> classifies and locates a broken link, on hand-built chains.</summary>
public sealed class ChainVerifierSpecs
{
    private const string Stream = "account-test";

    [Fact]
    public void Should_find_an_intact_chain_valid_from_its_first_event()
    {
        var report = Verify(Chain(5));

        Assert.Equal((true, 5L, (long?)1L, 5L, Chain(5)[^1].StoredHash), (report.Valid, report.EventsChecked, report.ChainStartsAt, report.LastSequenceNr, report.Head));
        Assert.Null(report.Break);
    }

    [Fact]
    public void Should_accept_an_unchained_legacy_prefix_and_start_the_chain_at_the_first_linked_event()
    {
        var links = Chain(6, unchainedPrefix: 3);

        var report = Verify(links);

        Assert.True(report.Valid, report.Break?.Detail);
        Assert.Equal(4L, report.ChainStartsAt);
    }

    [Fact]
    public void Should_find_a_stream_never_chained_valid_with_no_chain_start()
    {
        var report = Verify(Chain(3, unchainedPrefix: 3));

        Assert.Equal((true, (long?)null), (report.Valid, report.ChainStartsAt));
    }

    [Fact]
    public void Should_locate_a_missing_event()
    {
        var links = Chain(5);
        links.RemoveAt(2);

        AssertBreak(Verify(links), 3, ChainBreakKind.Missing);
    }

    [Fact]
    public void Should_locate_a_modified_event_at_the_event_itself_not_at_its_successor()
    {
        var links = Chain(5);
        links[2] = links[2] with { StoredHash = Hash("tampered") };

        AssertBreak(Verify(links), 3, ChainBreakKind.Modified);
    }

    [Fact]
    public void Should_locate_an_event_whose_own_link_was_changed()
    {
        var links = Chain(5);
        links[2] = links[2] with { PreviousHash = Hash("forged link"), StoredHash = Hash("tampered") };

        AssertBreak(Verify(links), 3, ChainBreakKind.Modified);
    }

    [Fact]
    public void Should_locate_an_event_inserted_between_two_linked_events()
    {
        var links = Chain(5);
        links.Insert(2, new ChainLink(3, Hash("anything"), Hash("forged")));
        Renumber(links);

        AssertBreak(Verify(links), 3, ChainBreakKind.Inserted);
    }

    [Fact]
    public void Should_locate_two_swapped_events_as_reordered()
    {
        var links = Chain(5);
        (links[2], links[3]) = (links[3] with { SequenceNr = 3 }, links[2] with { SequenceNr = 4 });

        AssertBreak(Verify(links), 3, ChainBreakKind.Reordered);
    }

    [Fact]
    public void Should_locate_a_forged_copy_of_an_earlier_event_appended_at_the_end()
    {
        var links = Chain(5);
        links.Add(links[1] with { SequenceNr = 6, StoredHash = Hash("copy with another amount") });

        AssertBreak(Verify(links), 6, ChainBreakKind.Inserted);
    }

    [Fact]
    public void Should_hold_the_chain_across_events_an_older_node_wrote_without_a_link_during_a_rolling_upgrade()
    {
        var links = Chain(4);
        links.Add(new ChainLink(5, null, Hash("written by a release-2 node")));
        links.Add(new ChainLink(6, links[^1].StoredHash, Hash("sixth")));

        Assert.True(Verify(links).Valid);
    }

    [Fact]
    public void Should_still_find_a_changed_event_that_an_older_node_wrote_without_a_link()
    {
        var links = Chain(4);
        links.Add(new ChainLink(5, null, Hash("written by a release-2 node")));
        links.Add(new ChainLink(6, links[^1].StoredHash, Hash("sixth")));
        links[4] = links[4] with { StoredHash = Hash("changed afterwards") };

        Assert.False(Verify(links).Valid);
    }

    [Fact]
    public void Should_catch_a_modified_last_event_through_the_live_entity_head()
    {
        var links = Chain(5);
        var head = links[^1].StoredHash;
        links[^1] = links[^1] with { StoredHash = Hash("tampered") };

        Assert.True(Verify(links).Valid); // nothing links to the last event...
        AssertBreak(ChainVerifier.Verify(Stream, links, [new ChainAnchor(5, head, "live entity")]), 5, ChainBreakKind.Modified);
    }

    [Fact]
    public void Should_catch_a_reforged_tail_through_a_snapshot_head()
    {
        var links = Chain(6);
        var snapshotHead = links[3].StoredHash;
        var reforged = Chain(6, salt: "forger");
        var mixed = links.Take(3).Concat(reforged.Skip(3).Select((l, i) => i == 0 ? l with { PreviousHash = links[2].StoredHash } : l)).ToList();

        Assert.True(Verify(mixed).Valid, Verify(mixed).Break?.Detail); // a consistently re-hashed tail hides from the walk...
        AssertBreak(ChainVerifier.Verify(Stream, mixed, [new ChainAnchor(4, snapshotHead, "snapshot")]), 4, ChainBreakKind.Modified);
    }

    [Fact]
    public void Should_report_events_beyond_what_the_live_entity_wrote_as_inserted()
    {
        AssertBreak(ChainVerifier.Verify(Stream, Chain(5), [], writtenThrough: 4), 5, ChainBreakKind.Inserted);
    }

    [Fact]
    public void Should_report_a_stream_ending_before_an_anchor_as_missing_its_tail()
    {
        var links = Chain(5);

        AssertBreak(ChainVerifier.Verify(Stream, links.Take(4).ToList(), [new ChainAnchor(5, links[4].StoredHash, "live entity")]), 5, ChainBreakKind.Missing);
    }

    [Fact]
    public void Should_report_the_earliest_of_several_breaks()
    {
        var links = Chain(8);
        links[5] = links[5] with { StoredHash = Hash("tampered late") };
        links.RemoveAt(1);

        AssertBreak(Verify(links), 2, ChainBreakKind.Missing);
    }

    private static ChainReport Verify(IReadOnlyList<ChainLink> links) => ChainVerifier.Verify(Stream, links, []);

    private static void AssertBreak(ChainReport report, long sequenceNr, ChainBreakKind kind)
    {
        Assert.False(report.Valid);
        Assert.NotNull(report.Break);
        Assert.Equal((sequenceNr, kind), (report.Break.SequenceNr, report.Break.Kind));
    }

    /// <summary>A chain of <paramref name="count"/> events, the first <paramref name="unchainedPrefix"/> written before the chain.</summary>
    private static List<ChainLink> Chain(int count, int unchainedPrefix = 0, string salt = "")
    {
        var links = new List<ChainLink>();
        var previous = StoredEventHashes.Genesis(Stream);
        for (var n = 1; n <= count; n++)
        {
            var stored = Hash($"{salt}event {n}");
            links.Add(new ChainLink(n, n <= unchainedPrefix ? null : previous, stored));
            previous = stored;
        }
        return links;
    }

    private static void Renumber(List<ChainLink> links)
    {
        for (var i = 0; i < links.Count; i++)
        {
            links[i] = links[i] with { SequenceNr = i + 1 };
        }
    }

    private static string Hash(string text) => StoredEventHashes.Of(Encoding.UTF8.GetBytes(text));
}
