using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Reacts to refusals (seeds 001/003: events trigger reactions): every declined withdrawal or
/// closure raises an alert for support to follow up.
/// </summary>
public sealed class DeclineAlertsProjection : IProjection
{
    public string Name => ProjectionNames.DeclineAlerts;

    public ProjectedStreams Streams => ProjectedStreams.Accounts;

    public Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var projected in batch)
        {
            var alert = projected.Event switch
            {
                WithdrawalDeclined declined => Alert(projected, declined.Reason.ToString(),
                    $"Withdrawal of {declined.Requested} declined; {declined.Available} {declined.Requested.Currency.Code} available."),
                AccountClosureDeclined declined => Alert(projected, declined.Reason.ToString(),
                    $"Closure declined with a balance of {declined.Balance}."),
                TransferDebitDeclined declined => Alert(projected, declined.Reason.ToString(),
                    $"Transfer {declined.TransferId} of {declined.Requested} declined; {declined.Available} {declined.Requested.Currency.Code} available."),
                _ => null,
            };
            if (alert is not null)
            {
                db.Alerts.Add(alert);
            }
        }
        return Task.CompletedTask;
    }

    public Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken) =>
        db.Alerts.ExecuteDeleteAsync(cancellationToken);

    private static AccountAlert Alert(ProjectedEvent projected, string reason, string detail) => new()
    {
        AccountId = projected.AccountId.Value,
        Version = projected.Version,
        Kind = EventKinds.Of(projected.Event),
        Reason = reason,
        Detail = detail,
        OccurredAt = ((BankAccounts.Domain.AccountEvent)projected.Event).OccurredAt,
    };
}
