using System.Diagnostics.CodeAnalysis;
using System.ComponentModel;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Api.Security;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Queries;
using BankAccounts.ReadModel.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.Api.Endpoints;

/// <summary>
/// <c>/accounts</c>: commands go to the account entity (and answer once durable), queries read
/// the read model, except <c>/events</c> which reads the journal itself.
/// </summary>
public static class AccountsEndpoints
{
    public const int MaxPageSize = 1000;
    public const int DefaultPageSize = 100;

    /// <summary>How long <c>GET /accounts/{id}?minVersion=</c> waits for the read model, and how often it looks.</summary>
    public static readonly TimeSpan ReadYourWritesWait = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ReadYourWritesPoll = TimeSpan.FromMilliseconds(20);

    private const string CommandHeadersNote =
        " Send an Idempotency-Key header to make retries safe: the same key returns the original answer and changes nothing." +
        " Send If-Match: \"<version>\" to apply the command only if the account is still at that version (else 412).";

    /// <summary>A command on an account: POST with a JSON body and the command headers, answered with any command's problems.</summary>
    private static RouteHandlerBuilder MapCommand<TRequest>(
        this RouteGroupBuilder accounts, string pattern, Delegate handler, string name, string summary, string description, TRequest example, bool bodyRequired = true) =>
        accounts.MapPost(pattern, handler)
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + CommandHeadersNote)
            .AcceptsJson(required: bodyRequired, example: example)
            .ProducesCommandProblems();

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder routes)
    {
        // {id} stays unconstrained (not {id:guid}): a malformed id is a 400 invalid-request naming the id, which a
        // route constraint would turn into a 404 from routing; QueryParameters.TryParseAccountId answers it.
        var accounts = routes.MapGroup("/accounts").WithTags("Accounts");

        accounts.MapCommand("", OpenAccount, "OpenAccount", "Open an account",
            "Opens an account and answers 201 with its location. With an Idempotency-Key the account id is derived from the key, so a retried request addresses the same account and gets the same answer.",
            new OpenAccountRequest { Owner = "Ada Lovelace", Currency = Currency.EUR.Code, OverdraftLimit = 0m });
        accounts.MapCommand("/{id}/deposits", Deposit, "DepositMoney", "Deposit money",
            "Adds money to an open account and answers with the new balance and version.",
            new MoneyMovementRequest { Amount = 100.00m, Currency = Currency.EUR.Code, Reference = "First salary" });
        accounts.MapCommand("/{id}/withdrawals", Withdraw, "WithdrawMoney", "Withdraw money",
            "Takes money from an open account. A withdrawal beyond the balance plus the overdraft limit is declined with 422; the decline is recorded, so the version rises.",
            new MoneyMovementRequest { Amount = 25.00m, Currency = Currency.EUR.Code, Reference = "Cash machine" });
        accounts.MapCommand("/{id}/close", Close, "CloseAccount", "Close an account",
            "Closes an account whose balance is exactly zero; otherwise 422 (recorded). No body is needed.",
            CloseAccountRequest.Empty, bodyRequired: false);

        accounts.MapGet("/{id}", GetAccount)
            .WithName("GetAccount")
            .WithSummary("Get an account")
            .WithDescription(
                "The account from the read model, which follows the journal with a short lag. The ETag header is the quoted version. " +
                $"With minVersion=N the request waits (polling every {ReadYourWritesPoll.TotalMilliseconds:0} ms, for at most {ReadYourWritesWait.TotalSeconds:0} s) " +
                "until the read model holds version N or later, so a client reads its own writes; if that does not happen in time the answer is 503 with Retry-After. " +
                "With asOf=<RFC 3339 instant> or atVersion=N (not both) it answers the account as it was then (balance, status, version, pending transfers, chain head): " +
                "404 before the account's opening or for a version the read model does not hold; asOf in the future is 400.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ReadsReadModel();

        accounts.MapGet("/{id}/transactions", GetTransactions)
            .WithName("GetAccountTransactions")
            .WithSummary("List an account's transactions")
            .WithDescription($"The statement from the read model, oldest first, declines included (amount 0). Keyset paging: pass the last version seen as 'after'; 'next' links to the following page. limit is 1 to {MaxPageSize} (default {DefaultPageSize}).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ReadsReadModel();

        accounts.MapGet("/{id}/events", GetEvents)
            .WithName("GetAccountEvents")
            .WithSummary("Read an account's stored events")
            .WithDescription($"The account's events straight from the journal, as stored, from sequence number 'from' (default 1). limit is 1 to {MaxPageSize} (default {DefaultPageSize}).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapGet("", GetAccountsByOwner)
            .WithName("GetAccountsByOwner")
            .WithSummary("Find an owner's accounts")
            .WithDescription($"Accounts whose owner is exactly 'owner', oldest first, from the read model. limit is 1 to {MaxPageSize} (default {DefaultPageSize}).")
            .RequiresQuery("owner", example: "Ada Lovelace")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ReadsReadModel();

        return routes;
    }

    private static async Task<Results<Created<AccountOpenedResponse>, ProblemHttpResult>> OpenAccount(
        CommandHeaders headers, HttpContext http, AccountCommandSender sender, CancellationToken cancellationToken)
    {
        if (headers.Problem is { } problem)
        {
            return problem;
        }
        var body = await JsonBody.ReadValidAsync<OpenAccountRequest>(http.Request, RequestValidation.Validate, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value!;

        var caller = http.Caller();
        var id = headers.IdempotencyKey is { } key ? AccountId.DeriveFrom(caller, key) : AccountId.New();
        var answer = await sender.SendAsync(
            new OpenAccount(id, headers.CommandIdFor(caller), request.Owner, request.Currency, request.OverdraftLimit, headers.ExpectedVersion)
            {
                CustomerId = request.CustomerId,
            }.From(http), cancellationToken);
        if (Refusal(answer, id, sender, out var accepted) is { } refused)
        {
            return refused;
        }
        // Owner, currency and limit as the account stored them (trimmed, normalised), also for a retried request:
        // the acceptance carries them, unless an entity of an earlier release answered.
        var opened = accepted.Opening ?? (await sender.GetOpeningAsync(id, cancellationToken)).Value;
        if (opened is null)
        {
            return Problems.AccountUnavailable(id, sender.Timeout);
        }
        SetETag(http, accepted.Version);
        return TypedResults.Created(
            $"/accounts/{id}",
            new AccountOpenedResponse(id.Value, opened.Owner, opened.Currency.Code, opened.OverdraftLimit, accepted.Balance, accepted.Version));
    }

    private static Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> Deposit(
        string id, CommandHeaders headers, HttpContext http, AccountCommandSender sender, CancellationToken cancellationToken) =>
        MoveMoney(id, headers, http, sender, (accountId, headers, request) =>
            new DepositMoney(accountId, headers.CommandIdFor(http.Caller()), request.Amount, request.Currency, request.Reference, headers.ExpectedVersion), cancellationToken);

    private static Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> Withdraw(
        string id, CommandHeaders headers, HttpContext http, AccountCommandSender sender, CancellationToken cancellationToken) =>
        MoveMoney(id, headers, http, sender, (accountId, headers, request) =>
            new WithdrawMoney(accountId, headers.CommandIdFor(http.Caller()), request.Amount, request.Currency, request.Reference, headers.ExpectedVersion), cancellationToken);

    private static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> MoveMoney(
        string id, CommandHeaders headers, HttpContext http, AccountCommandSender sender,
        Func<AccountId, CommandHeaders, MoneyMovementRequest, AccountCommand> command, CancellationToken cancellationToken)
    {
        if (!TryAddress(id, headers, out var accountId, out var problem))
        {
            return problem;
        }
        var body = await JsonBody.ReadValidAsync<MoneyMovementRequest>(http.Request, RequestValidation.Validate, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var answer = await sender.SendAsync(command(accountId, headers, body.Value!).From(http), cancellationToken);
        if (Refusal(answer, accountId, sender, out var accepted) is { } refused)
        {
            return refused;
        }
        SetETag(http, accepted.Version);
        return TypedResults.Ok(new BalanceResponse(accountId.Value, accepted.Balance, accepted.Version));
    }

    private static async Task<Results<Ok<AccountClosedResponse>, ProblemHttpResult>> Close(
        string id, CommandHeaders headers, HttpContext http, AccountCommandSender sender, CancellationToken cancellationToken)
    {
        if (!TryAddress(id, headers, out var accountId, out var problem))
        {
            return problem;
        }
        var body = await JsonBody.ReadAsync(http.Request, required: false, CloseAccountRequest.Empty, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var answer = await sender.SendAsync(new CloseAccount(accountId, headers.CommandIdFor(http.Caller()), headers.ExpectedVersion).From(http), cancellationToken);
        if (Refusal(answer, accountId, sender, out var accepted) is { } refused)
        {
            return refused;
        }
        SetETag(http, accepted.Version);
        return TypedResults.Ok(new AccountClosedResponse(accountId.Value, accepted.Balance, accepted.Version, AccountStatuses.Closed));
    }

    private static async Task<Results<Ok<AccountResponse>, Ok<AccountAsOfResponse>, ProblemHttpResult>> GetAccount(
        string id,
        [Description("Wait until the read model holds at least this version (read your own writes).")] string? minVersion,
        [Description("The account as it was at this RFC 3339 instant (not in the future); see the history endpoints.")] string? asOf,
        [Description("The account as it was right after this version (1 or more); not with asOf.")] string? atVersion,
        HttpContext http, AccountQueries queries, AccountHistoryQueries history, AccountEventStream events, ReadYourWritesGate gate, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !QueryParameters.TryParse(minVersion, nameof(minVersion), 0, 0, long.MaxValue, out var wanted, out problem)
            || !HistoryParameters.TryParsePointInTime(asOf, atVersion, clock.GetUtcNow(), out var point, out problem))
        {
            return problem;
        }

        AccountSummary? account;
        if (minVersion is null)
        {
            account = await queries.GetAccountAsync(accountId.Value, cancellationToken);
        }
        else if (await JournalReadRefusal(http, accountId, events, cancellationToken) is { } refused)
        {
            return refused; // missing, or not the caller's: nothing to wait for, and the answer comes at once either way
        }
        else
        {
            using var slot = gate.TryEnter(http.Caller().Subject);
            if (slot is null)
            {
                http.Response.Headers.RetryAfter = "1";
                return Problems.TooManyWaits(ReadYourWritesGate.MaxConcurrentWaits, ReadYourWritesGate.MaxConcurrentWaitsPerCaller);
            }
            (account, var reached) = await queries.GetAccountAtLeastAsync(
                accountId.Value, wanted, ReadYourWritesWait, ReadYourWritesPoll, clock, cancellationToken);
            if (!reached && (account is not null || await events.ExistsAsync(accountId, cancellationToken)))
            {
                http.Response.Headers.RetryAfter = "1";
                return Problems.ReadModelBehind(accountId, wanted, account?.Version ?? 0, ReadYourWritesWait);
            }
        }
        if (!CanRead(http, accountId, account, out var unreadable))
        {
            return unreadable;
        }
        if (point is { } at)
        {
            return (await HistoryEndpoints.AccountAt(account, at, history, cancellationToken)).Result switch
            {
                Ok<AccountAsOfResponse> ok => ok,
                var other => (ProblemHttpResult)other,
            };
        }
        SetETag(http, account.Version);
        return TypedResults.Ok(ToResponse(account));
    }

    private static async Task<Results<Ok<TransactionPageResponse>, ProblemHttpResult>> GetTransactions(
        string id, [AsParameters] LedgerPageQuery page, HttpContext http, AccountQueries queries, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !page.TryParse(out var afterVersion, out var pageSize, out problem))
        {
            return problem;
        }
        if (await ReadRefusal(http, accountId, queries, cancellationToken) is { } refused)
        {
            return refused;
        }

        var entries = await queries.GetTransactionsAsync(accountId.Value, afterVersion, pageSize + 1, cancellationToken);
        var taken = entries.Take(pageSize).ToList();
        var next = entries.Count > pageSize
            ? $"/accounts/{accountId}/transactions?after={taken[^1].Version}&limit={pageSize}"
            : null;
        return TypedResults.Ok(new TransactionPageResponse(
            [.. taken.Select(e => new TransactionResponse(e.Version, e.EventType, e.Amount, e.BalanceAfter, e.Reference, e.TransferId, e.OccurredAt))],
            next));
    }

    private static async Task<Results<Ok<StoredEventPageResponse>, ProblemHttpResult>> GetEvents(
        string id, [AsParameters] EventPageQuery page, HttpContext http, AccountEventStream events, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !page.TryParse(out var fromSequenceNr, out var pageSize, out problem))
        {
            return problem;
        }
        if (await JournalReadRefusal(http, accountId, events, cancellationToken) is { } refused)
        {
            return refused;
        }

        var stored = await events.ReadAsync(accountId, fromSequenceNr, pageSize, cancellationToken);
        if (stored.Count == 0 && (fromSequenceNr == 1 || !await events.ExistsAsync(accountId, cancellationToken)))
        {
            return Problems.AccountNotFound(accountId);
        }
        var next = stored.Count == pageSize
            ? $"/accounts/{accountId}/events?from={stored[^1].SequenceNr + 1}&limit={pageSize}"
            : null;
        return TypedResults.Ok(new StoredEventPageResponse(
            [.. stored.Select(e => new StoredEventResponse(e.SequenceNr, e.Type, e.OccurredAt, e.Data))],
            next));
    }

    private static async Task<Results<Ok<AccountListResponse>, ProblemHttpResult>> GetAccountsByOwner(
        [Description("The owner's name, matched exactly. A customer only ever sees their own accounts.")] string? owner,
        [DescriptionFormat("Accounts at most, 1 to {0} (default {1}).", MaxPageSize, DefaultPageSize)] string? limit,
        HttpContext http, AccountQueries queries, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        if (string.IsNullOrWhiteSpace(owner))
        {
            return Problems.Invalid("owner", "'owner' is required.");
        }
        if (!QueryParameters.TryParsePageSize(limit, out var pageSize, out var problem))
        {
            return problem;
        }
        var ownerId = caller.Role == Role.Customer ? caller.Subject : null;
        var accounts = await queries.GetAccountsByOwnerAsync(owner, ownerId, pageSize, cancellationToken);
        return TypedResults.Ok(new AccountListResponse([.. accounts.Select(ToResponse)]));
    }

    /// <summary>
    /// Whether the caller may read the account (<see cref="AccountAccess"/>, with the owner the read
    /// model holds): a customer asking about an account that is not theirs gets the same 404 as for a
    /// missing one.
    /// </summary>
    internal static async Task<ProblemHttpResult?> ReadRefusal(HttpContext http, AccountId id, AccountQueries queries, CancellationToken cancellationToken) =>
        CanRead(http, id, await queries.GetAccountAsync(id.Value, cancellationToken), out var refusal) ? null : refusal;

    /// <summary>Whether the caller may read <paramref name="account"/> (read from the read model); a missing one is not found.</summary>
    internal static bool CanRead(
        HttpContext http, AccountId id, [NotNullWhen(true)] AccountSummary? account, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        refusal = account is null ? Problems.AccountNotFound(id) : ReadAccess(http, id, account.OwnerId);
        return refusal is null;
    }

    /// <summary>The same rule for reads of the journal, with the owner its first event records (no read model lag).</summary>
    internal static async Task<ProblemHttpResult?> JournalReadRefusal(HttpContext http, AccountId id, AccountEventStream events, CancellationToken cancellationToken)
    {
        var (exists, ownerId) = await events.OwnerAsync(id, cancellationToken);
        return exists ? ReadAccess(http, id, ownerId) : Problems.AccountNotFound(id);
    }

    /// <summary>The answer to a caller who may not read an existing account; null when it may.</summary>
    private static ProblemHttpResult? ReadAccess(HttpContext http, AccountId id, string? ownerId) =>
        AccountAccess.Check(http.Caller(), AccountAction.Read, ownerId) switch
        {
            AccessVerdict.Allowed => null,
            AccessVerdict.NotFound => Problems.AccountNotFound(id),
            _ => Problems.Forbidden("Your role may not read accounts."),
        };

    /// <summary>The account a command addresses and its headers, checked in that order.</summary>
    private static bool TryAddress(string id, CommandHeaders headers, out AccountId accountId, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        if (!QueryParameters.TryParseAccountId(id, out accountId, out problem))
        {
            return false;
        }
        problem = headers.Problem;
        return problem is null;
    }

    /// <summary>The problem to answer when the command was not accepted (no answer in time, declined, rejected); null when it was.</summary>
    private static ProblemHttpResult? Refusal(AccountAnswer<CommandOutcome> answer, AccountId id, AccountCommandSender sender, out CommandAccepted accepted)
    {
        accepted = (answer.Value as CommandAccepted)!; // read by callers only when no refusal is returned
        return answer switch
        {
            { TimedOut: true } => Problems.AccountUnavailable(id, sender.Timeout),
            { Value: CommandAccepted } => null,
            { Value: CommandDeclined declined } => Problems.Declined(declined),
            { Value: CommandRejected rejected } => Problems.Rejected(id, rejected),
            _ => throw new ArgumentOutOfRangeException(nameof(answer), answer.Value?.GetType().Name, "Unknown command outcome."),
        };
    }

    private static void SetETag(HttpContext http, long version) =>
        http.Response.Headers[HeaderNames.ETag] = CommandHeaders.ETagOf(version);

    private static AccountResponse ToResponse(AccountSummary account) => new(
        account.AccountId, account.Owner, account.Currency, account.Balance, account.OverdraftLimit,
        account.Status, account.Version, account.OpenedAt, account.UpdatedAt, account.ChainHead);
}
