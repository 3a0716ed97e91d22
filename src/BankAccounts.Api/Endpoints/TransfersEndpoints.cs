using System.ComponentModel;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Api.Security;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Endpoints;

/// <summary>
/// <c>/transfers</c>: a transfer is a process (debit the source, credit the destination, then
/// settle, or refund the source if the credit is refused), so a request is answered 202 as soon
/// as it is recorded and its status is polled.
/// </summary>
public static class TransfersEndpoints
{
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder routes)
    {
        var transfers = routes.MapGroup("/transfers").WithTags("Transfers");

        transfers.MapPost("", RequestTransfer)
            .WithName("RequestTransfer")
            .WithSummary("Transfer money between two accounts")
            .WithDescription(
                "Records the transfer and answers 202 with its location; the money then moves in the background. " +
                "Only accounts of the same currency: a destination in another currency, closed or unknown is refused and the source refunded (status failed). " +
                "With an Idempotency-Key the transfer id is derived from the key, so a retried request never starts a second transfer. " +
                "If-Match does not apply (a transfer involves two accounts) and is refused with 400. The example's account ids are placeholders: use two of your accounts.")
            .AcceptsJson(required: true, ifMatch: false, example: new TransferRequest
            {
                FromAccountId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
                ToAccountId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                Amount = 10.00m,
                Reference = "Rent, March",
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        transfers.MapGet("/{id}", GetTransfer)
            .WithName("GetTransfer")
            .WithSummary("Get a transfer's status and steps")
            .WithDescription("Straight from the transfer's process manager: pending, completed or failed (with the reason), and every step taken.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ReadsReadModel();

        routes.MapGet("/accounts/{id}/transfers", GetTransfersOfAccount)
            .WithTags("Transfers")
            .WithName("GetAccountTransfers")
            .WithSummary("List an account's transfers")
            .WithDescription($"Transfers in or out of the account, newest first, from the read model. limit is 1 to {AccountsEndpoints.MaxPageSize} (default {AccountsEndpoints.DefaultPageSize}).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ReadsReadModel();

        return routes;
    }

    private static async Task<Results<Accepted<TransferResponse>, ProblemHttpResult>> RequestTransfer(
        CommandHeaders headers, HttpContext http, TransferSender sender, AccountEventStream events, CancellationToken cancellationToken)
    {
        if (headers.Problem is { } problem)
        {
            return problem;
        }
        if (headers.ExpectedVersion is not null)
        {
            return Problems.Invalid("If-Match", "If-Match does not apply to transfers: a transfer involves two accounts.");
        }
        var body = await JsonBody.ReadValidAsync<TransferRequest>(http.Request, RequestValidation.Validate, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value!;

        var caller = http.Caller();
        if (caller.Role == Role.Customer && await SourceRefusal(http, new AccountId(request.FromAccountId), events, cancellationToken) is { } refused)
        {
            // Answered at once, like any request about an account that is not the customer's; the source's
            // debit step enforces the same rule (AccountAccess) in the domain whatever reaches it.
            return refused;
        }
        var id = headers.IdempotencyKey is { } key ? TransferId.DeriveFrom(caller, key) : TransferId.New();
        var answer = await sender.RequestAsync(
            new RequestTransfer(id, new AccountId(request.FromAccountId), new AccountId(request.ToAccountId), request.Amount, request.Reference, headers.CommandIdFor(caller))
            {
                Principal = caller,
                TraceParent = CommandOrigin.TraceParentOf(http),
            },
            cancellationToken);
        return answer switch
        {
            { TimedOut: true } => Problems.TransferUnavailable(id, sender.Timeout),
            { Value: TransferState state } => TypedResults.Accepted($"/transfers/{id}", ToResponse(state)),
            { Value: CommandRejected { Reason: RejectionReason.CommandIdReused or RejectionReason.Forbidden } rejected } =>
                Problems.Rejected(new AccountId(request.FromAccountId), rejected),
            { Value: CommandRejected rejected } => Problems.Invalid(rejected.Errors),
            _ => throw new InvalidOperationException($"Unexpected answer {answer.Value?.GetType().Name} to a transfer request."),
        };
    }

    private static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetTransfer(
        string id, HttpContext http, TransferSender sender, AccountQueries accounts, CancellationToken cancellationToken)
    {
        if (!TransferId.TryParse(id, out var transferId))
        {
            return Problems.Invalid("id", $"'{(id.Length <= 64 ? id : id[..64] + "…")}' is not a valid transfer id.");
        }
        var answer = await sender.GetAsync(transferId, cancellationToken);
        return answer switch
        {
            { TimedOut: true } => Problems.TransferUnavailable(transferId, sender.Timeout),
            { Value.Status: TransferStatus.NotRequested } => Problems.TransferNotFound(transferId),
            _ when !await MayRead(http, answer.Value!, accounts, cancellationToken) => Problems.TransferNotFound(transferId),
            _ => TypedResults.Ok(ToResponse(answer.Value!)),
        };
    }

    private static async Task<ProblemHttpResult?> SourceRefusal(HttpContext http, AccountId source, AccountEventStream events, CancellationToken cancellationToken)
    {
        var (exists, ownerId) = await events.OwnerAsync(source, cancellationToken);
        return exists && AccountAccess.Check(http.Caller(), AccountAction.TransferFrom, ownerId) == AccessVerdict.Allowed
            ? null
            : Problems.AccountNotFound(source);
    }

    /// <summary>
    /// Staff read every transfer; a customer those they requested or that touch one of their
    /// accounts (anything else answers 404, as for a missing transfer).
    /// </summary>
    private static async Task<bool> MayRead(HttpContext http, TransferState transfer, AccountQueries accounts, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        if (caller.Role != Role.Customer)
        {
            return AccountAccess.Check(caller, AccountAction.Read, null) == AccessVerdict.Allowed;
        }
        if (transfer.Origin.CausedBy.Subject == caller.Subject)
        {
            return true;
        }
        foreach (var accountId in new[] { transfer.From, transfer.To })
        {
            var account = await accounts.GetAccountAsync(accountId.Value, cancellationToken);
            if (account is not null && AccountAccess.Check(caller, AccountAction.Read, account.OwnerId) == AccessVerdict.Allowed)
            {
                return true;
            }
        }
        return false;
    }

    private static async Task<Results<Ok<TransferListResponse>, ProblemHttpResult>> GetTransfersOfAccount(
        string id,
        [DescriptionFormat("Transfers at most, 1 to {0} (default {1}).", AccountsEndpoints.MaxPageSize, AccountsEndpoints.DefaultPageSize)] string? limit,
        HttpContext http, TransferQueries queries, AccountEventStream events, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !QueryParameters.TryParsePageSize(limit, out var pageSize, out problem))
        {
            return problem;
        }
        if (await AccountsEndpoints.JournalReadRefusal(http, accountId, events, cancellationToken) is { } refused)
        {
            return refused;
        }
        var transfers = await queries.GetTransfersOfAccountAsync(accountId.Value, pageSize, cancellationToken);
        return TypedResults.Ok(new TransferListResponse([.. transfers.Select(t => new TransferSummaryResponse(
            t.TransferId, t.Status, t.FromAccountId, t.ToAccountId, t.Amount, t.Currency, t.Reference, t.FailureReason, t.RequestedAt, t.UpdatedAt))]));
    }

    private static TransferResponse ToResponse(TransferState state) => new(
        state.Id.Value,
        state.Status.ToString().ToLowerInvariant(),
        state.From.Value,
        state.To.Value,
        state.Debited?.Amount ?? state.Amount,
        state.Debited?.Currency.Code,
        state.Reference,
        state.FailureReason,
        state.FailureDetail,
        state.RequestedAt,
        state.UpdatedAt,
        [.. state.Steps.Select(s => new TransferStepResponse(s.Step, s.At, s.Detail))]);
}
