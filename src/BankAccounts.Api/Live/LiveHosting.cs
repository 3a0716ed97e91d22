using BankAccounts.ReadModel.Queries;

namespace BankAccounts.Api.Live;

public static class LiveHosting
{
    /// <summary>The live feeds: settings from <c>BankAccounts:Live</c>, the journal feeds and the subscriber registry.</summary>
    public static IServiceCollection AddLiveEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(LiveOptions.SectionName).Get<LiveOptions>() ?? new LiveOptions());
        services.AddSingleton<LiveEventFeed>();
        services.AddSingleton<LiveSubscriptions>();
        return services;
    }
}
