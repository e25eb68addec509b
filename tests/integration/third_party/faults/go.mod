module svcwright.test/faults

go 1.22
