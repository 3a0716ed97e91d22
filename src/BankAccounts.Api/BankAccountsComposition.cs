using System.Text.Json.Serialization;
using Akka.Hosting;
using BankAccounts.Actors.Hosting;
using BankAccounts.Api.Endpoints;
using BankAccounts.Api.Health;
using BankAccounts.Api.Http;
using BankAccounts.Api.Live;
using BankAccounts.Api.Security;
using BankAccounts.Api.Telemetry;
using BankAccounts.ReadModel;
using BankAccounts.ReadModel.Queries;
using BankAccounts.ReadModel.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Scalar.AspNetCore;

namespace BankAccounts.Api;

/// <summary>The pieces <see cref="BankAccountsApp.Build"/> composes: services, the OpenAPI document, the pipeline, the endpoints.</summary>
public static class BankAccountsComposition
{
    /// <summary>The write side (sharded accounts and transfers), the read side (projectors, read model, queries) and the edge's services.</summary>
    public static IServiceCollection AddBankAccountsApi(
        this IServiceCollection services, BankAccountsOptions options, ReadModelOptions readModelOptions, SecurityOptions securityOptions, IConfiguration configuration)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddReadModel(readModelOptions);
        services.AddReadModelVersionMonitor(options.Journal);
        services.AddSingleton<AccountQueries>();
        services.AddSingleton<AccountHistoryQueries>();
        services.AddSingleton<AccountEventStream>();
        services.AddSingleton(provider => new BankAccounts.Actors.Chain.JournalChains(provider.GetRequiredService<Akka.Actor.ActorSystem>()));
        services.AddSingleton<AccountCommandSender>();
        services.AddSingleton<ReadYourWritesGate>();
        services.AddBankAccountsHealthChecks();
        services.AddSingleton<TransferSender>();
        services.AddSingleton<TransferQueries>();
        services.AddBankAccountsSecurity(securityOptions);
        services.AddLiveEvents(configuration);
        services.AddAkka(BankAccountsOptions.ActorSystemName, (akka, _) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithBankAccounts(options)
            .WithReadModelProjections(readModelOptions));

        // Responses write numbers as numbers; the OpenAPI schemas follow these options too.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        return services;
    }

    public static IServiceCollection AddBankAccountsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Bank accounts";
                document.Info.Description =
                    "Event-sourced bank accounts. Commands go to the account's entity and answer once durable; " +
                    "queries are served from an eventually consistent read model (use minVersion to read your writes).";
                return Task.CompletedTask;
            });
            openApi.AddDocumentTransformer((document, _, _) => SecurityHosting.DeclareBearerScheme(document));
            openApi.AddBankAccountsConventions();
            openApi.AddSchemaTransformer((schema, context, _) =>
            {
                // Money is decimal end to end; the default "double" format would invite floating point clients.
                if (context.JsonTypeInfo.Type == typeof(decimal) || context.JsonTypeInfo.Type == typeof(decimal?))
                {
                    schema.Format = "decimal";
                }
                return Task.CompletedTask;
            });
        });

    /// <summary>Errors as problem details, counted refusals, authentication and authorization.</summary>
    public static WebApplication UseBankAccountsPipeline(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A request Kestrel itself refused keeps its status; anything else is our fault.
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRejectedRequestCounting();
        app.UseBankAccountsSecurity();
        return app;
    }

    public static WebApplication MapBankAccountsEndpoints(this WebApplication app, SecurityOptions securityOptions)
    {
        var openApi = app.MapOpenApi();
        var scalar = app.MapScalarApiReference(scalar => scalar.WithBearerToken());
        // A browser pointed at the node lands on the API page.
        var home = app.MapGet("/", () => TypedResults.Redirect("/scalar")).ExcludeFromDescription();
        if (securityOptions.PublicApiDocs)
        {
            openApi.AllowAnonymous();
            scalar.AllowAnonymous();
            home.AllowAnonymous();
        }
        app.MapAccountsApi();
        app.MapHistoryApi();
        app.MapVerificationApi();
        app.MapTransfersApi();
        app.MapLiveEventsApi();
        app.MapAdminApi();
        app.MapParkedEventsApi();
        app.MapReadModelVersionsApi();
        app.MapClusterApi();
        app.MapHealthApi();
        app.MapMetricsEndpoint();
        return app;
    }
}
