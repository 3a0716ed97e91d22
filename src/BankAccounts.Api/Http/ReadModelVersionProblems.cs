using BankAccounts.ReadModel.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>The problems of side-by-side read model versions (reads while building, dropping a version).</summary>
internal static partial class Problems
{
    public static ProblemHttpResult ReadModelBuilding(ReadModelVersionStatus status, DateTimeOffset now) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.ReadModelBuilding, "This node's read model is being built.",
            $"Read model version {status.Version.Version} is {status.Describe(now)}; nodes of the active version serve reads meanwhile. Retry later or elsewhere.",
            new Dictionary<string, object?>
            {
                ["version"] = status.Version.Version,
                ["activeVersion"] = status.ActiveVersion,
                ["eventsDone"] = status.Version.EventsDone,
                ["eventsTotal"] = status.Version.EventsTotal,
                ["percent"] = status.Version.Progress.Percent,
            });

    public static ProblemHttpResult ReadModelVersionNotFound(int version, IEnumerable<int> known) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.ReadModelVersionNotFound, "No such read model version.",
            $"Read model version {version} is not registered; registered versions: {string.Join(", ", known)}.");

    public static ProblemHttpResult ReadModelVersionInUse(int version, string reason) =>
        Problem(StatusCodes.Status409Conflict, ProblemTypes.ReadModelVersionInUse, "The read model version is in use.", reason,
            new Dictionary<string, object?> { ["version"] = version });
}
