# Builds the BankAccounts API host (which embeds the write side, the projectors and the HTTP API).
# One image for every deployment: a single node on SQLite (the default) or a cluster node on
# PostgreSQL (docker-compose.yml), chosen by environment variables.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/BankAccounts.Api/BankAccounts.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
# HTTP API, and Akka remoting when BankAccounts__Cluster__Port=4053 (the compose file's choice).
EXPOSE 8080 4053
# Only used by the SQLite default; cluster nodes keep nothing locally.
VOLUME /app/data
# No curl in this image: the host checks its own readiness endpoint.
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=6 \
  CMD ["dotnet", "BankAccounts.Api.dll", "--health-check", "http://127.0.0.1:8080/health/ready"]
# SIGTERM (docker stop) makes the node leave its cluster gracefully before the process exits.
ENTRYPOINT ["dotnet", "BankAccounts.Api.dll"]
