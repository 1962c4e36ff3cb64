zwgkData("b/0/key","ac93746cd8f4bdbd");
