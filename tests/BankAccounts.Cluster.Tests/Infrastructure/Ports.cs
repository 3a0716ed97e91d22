using System.Net;
using System.Net.Sockets;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>Free loopback ports, so tests never collide with scripts/cluster.sh or each other.</summary>
public static class Ports
{
    private static readonly HashSet<int> Handed = [];

    public static int Free()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
