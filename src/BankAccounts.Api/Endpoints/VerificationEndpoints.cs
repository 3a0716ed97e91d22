using System.ComponentModel;
using BankAccounts.Actors;
using BankAccounts.Actors.Chain;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.ReadModel.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Endpoints;

/// <summary><c>GET /accounts/{id}/verify</c>: the account stream's tamper-evident hash chain, checked (docs/tamper-evidence.md).</summary>
public static class VerificationEndpoints
{
    public static IEndpointRouteBuilder MapVerificationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/accounts/{id}/verify", Verify)
            .WithTags("Accounts")
            .WithName("VerifyAccountChain")
            .WithSummary("Verify an account's hash chain")
            .WithDescription(
                "Re-reads the account's stored events and checks that each carries the SHA-256 of its predecessor's stored bytes, " +
                "that the latest snapshot's head and the live entity's head match the stored events, and (with head and version) " +
                "that the event at 'version' still hashes to 'head', e.g. the head printed on an old statement. Answers 200 with " +
                "valid, the number of events checked, where the chain starts (events written before it are unchained), the head, " +
                "and the first broken link: its sequence number and kind (missing, modified, inserted, reordered, unreadable). " +
                "Readable by the account's owner, tellers, auditors and admins.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    private static async Task<Results<Ok<ChainVerificationResponse>, ProblemHttpResult>> Verify(
        string id,
        [Description("A head you hold (64 lower-case hex characters), e.g. from a statement; requires version.")] string? head,
        [Description("The sequence number (account version) the head was taken at; requires head.")] string? version,
        HttpContext http, AccountEventStream events, AccountCommandSender accounts, JournalChains chains, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !QueryParameters.TryParse(version, nameof(version), 0, 1, long.MaxValue, out var headVersion, out problem))
        {
            return problem;
        }
        if ((head is null) != (version is null))
        {
            return Problems.Invalid(head is null ? nameof(head) : nameof(version), "'head' and 'version' go together: send both or neither.");
        }
        if (head is not null && !IsHash(head))
        {
            return Problems.Invalid(nameof(head), "'head' must be a SHA-256 in 64 lower-case hex characters.");
        }
        if (await AccountsEndpoints.JournalReadRefusal(http, accountId, events, cancellationToken) is { } refused)
        {
            return refused;
        }

        var anchors = new List<ChainAnchor>();
        if (head is not null)
        {
            anchors.Add(new ChainAnchor(headVersion, head, "head you sent"));
        }
        // The live entity knows the head it wrote: asked before the read, its head must be in the stream;
        // asked after, nothing beyond its version may be.
        if (await accounts.GetViewAsync(accountId, cancellationToken) is { TimedOut: false, Value: { ChainHead: { } liveHead, Version: > 0 } before })
        {
            anchors.Add(new ChainAnchor(before.Version, liveHead, "live entity"));
        }
        ChainReport report;
        try
        {
            report = await chains.VerifyAsync(
                AccountPersistenceId.For(accountId), anchors,
                async () => await accounts.GetViewAsync(accountId, cancellationToken) is { TimedOut: false, Value: { } after } ? after.Version : null,
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The journal or the snapshot store did not answer (or a snapshot could not be read): no verdict, no 500.
            return Problems.JournalUnavailable($"The stream of account {accountId}", e);
        }
        return TypedResults.Ok(new ChainVerificationResponse(
            accountId.Value, report.Valid, report.EventsChecked, report.ChainStartsAt, report.LastSequenceNr, report.Head,
            report.Break is { } broken ? new ChainBreakResponse(broken.SequenceNr, KindName(broken.Kind), broken.Detail) : null));
    }

    internal static string KindName(ChainBreakKind kind) => kind.ToString().ToLowerInvariant();

    private static bool IsHash(string value) => value.Length == 64 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
