package dev.gangway.portal.e2e;

import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A machine's PLC in miniature: a Modbus/TCP server (j2mod) whose holding register 40001 (reference 0) holds a
 * fixed value. {@link ClientE2eIT} runs it in the LAN namespace as its own JVM:
 * {@code java -cp ... ClientModbusServer <address> <port> <unit id> <value>}. It prints {@code MODBUS READY} once
 * it listens and runs until it is killed.
 */
final class ClientModbusServer {

    private ClientModbusServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ClientModbusServer <address> <port> <unit id> <value of register 40001>");
            System.exit(2);
        }
        InetAddress address = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        int unitId = Integer.parseInt(args[2]);
        int value = Integer.parseInt(args[3]);

        SimpleProcessImage image = new SimpleProcessImage(unitId);
        image.addRegister(new SimpleRegister(value));
        ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(address, port, 4, false);
        slave.addProcessImage(unitId, image);
        slave.open();
        System.out.println("MODBUS READY " + address.getHostAddress() + ":" + port + " unit " + unitId
                + " register 40001=" + value);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
