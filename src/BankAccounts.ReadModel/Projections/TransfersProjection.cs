using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.ReadModel.Projections;

/// <summary>Transfer summaries from the process managers' streams: status per transfer, listable per account.</summary>
public sealed class TransfersProjection : IProjection
{
    public string Name => ProjectionNames.Transfers;

    public ProjectedStreams Streams => ProjectedStreams.Transfers;

    public async Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(e => e.TransferId.Value).Distinct().ToList();
        var transfers = await db.Transfers.Where(t => ids.Contains(t.TransferId)).ToDictionaryAsync(t => t.TransferId, cancellationToken);
        foreach (var projected in batch)
        {
            transfers.TryGetValue(projected.TransferId.Value, out var transfer);
            if (!StreamVersion.IsNext(projected, transfer?.Version ?? 0L))
            {
                continue;
            }
            var @event = (TransferEvent)projected.Event;
            if (@event is TransferRequested requested)
            {
                transfer = new TransferSummary
                {
                    TransferId = requested.TransferId.Value,
                    FromAccountId = requested.From.Value,
                    ToAccountId = requested.To.Value,
                    Amount = requested.Amount,
                    Reference = requested.Reference,
                    Status = TransferStatuses.Pending,
                    RequestedAt = requested.OccurredAt,
                    RequestedAtTicks = requested.OccurredAt.UtcTicks,
                };
                db.Transfers.Add(transfer);
                transfers[transfer.TransferId] = transfer;
            }
            else if (transfer is null)
            {
                throw new ProjectionGapException($"Transfer {projected.TransferId}: {@event.GetType().Name} before TransferRequested.");
            }
            switch (@event)
            {
                case SourceDebited debited:
                    transfer.Currency = debited.Amount.Currency.Code;
                    transfer.Amount = debited.Amount.Amount;
                    break;
                case SourceDebitFailed failed:
                    (transfer.Status, transfer.FailureReason) = (TransferStatuses.Failed, failed.Reason);
                    break;
                case DestinationCreditFailed failed:
                    transfer.FailureReason = failed.Reason;
                    break;
                case SourceRefunded:
                    transfer.Status = TransferStatuses.Failed;
                    break;
                case DestinationSettled:
                    transfer.Status = TransferStatuses.Completed;
                    break;
                case TransferStuck stuck:
                    // Never shown as done: a settle or refund keeps being refused and needs a person.
                    (transfer.Status, transfer.FailureReason) = (TransferStatuses.Stuck, stuck.Reason);
                    break;
            }
            transfer.Version = projected.Version;
            transfer.UpdatedAt = @event.OccurredAt;
            transfer.UpdatedAtTicks = @event.OccurredAt.UtcTicks;
        }
    }

    public Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken) =>
        db.Transfers.ExecuteDeleteAsync(cancellationToken);
}
