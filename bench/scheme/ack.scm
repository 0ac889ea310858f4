;; ack: Ackermann's function, (ack 3 7) repeated.
(define (ack m n)
  (cond ((= m 0) (+ n 1))
        ((= n 0) (ack (- m 1) 1))
        (else (ack (- m 1) (ack m (- n 1))))))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (ack 3 7)))))

(display "ack ") (display (repeat 150 0)) (newline)
